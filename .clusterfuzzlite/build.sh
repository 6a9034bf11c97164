#!/bin/bash -eu
# Builds every kmapsim fuzz target the ClusterFuzzLite/OSS-Fuzz way: with
# $CC $CXX $CFLAGS $CXXFLAGS, linked with $LIB_FUZZING_ENGINE, into $OUT, each
# with <target>_seed_corpus.zip (corpus/<target>/seeds), the shared
# dictionary as <target>.dict and <target>.options. Subject targets (kmapsim's
# own and both variants of every zoo entry) run their subject on the profile
# compiled in (strict unless the file says otherwise; KMAPSIM_PROFILE in the
# environment overrides it).
#
# Local check (no Docker): tests/cfl_build.sh runs this with the variables set.
set -eu  # also when run as `bash build.sh`, which ignores the #! line's flags
SRC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ ! -f "$SRC_ROOT/model/src/sim/machine.h" ]; then SRC_ROOT=$SRC/kmapsim; fi
cd "$SRC_ROOT"
WORK=${WORK:-$(mktemp -d)}
OBJ=$WORK/kmapsim-obj
mkdir -p "$OBJ"

# The compiles and the targets' builds run $JOBS at a time (every core);
# settle waits for them all, and the first that fails fails the build.
JOBS=${KMAPSIM_BUILD_JOBS:-$(nproc)}
running=0
in_parallel() { # CMD...: in the background
	if ((running >= JOBS)); then
		wait -n || exit 1
		running=$((running - 1))
	fi
	"$@" &
	running=$((running + 1))
}
settle() {
	while ((running > 0)); do
		wait -n || exit 1
		running=$((running - 1))
	done
}

# Subjects: every access written must happen (-O0, no builtins), and the UBSan
# checks that fire before kmapsim sees a NULL page_address() are off.
SUBJECT_FLAGS="-O0 -fno-builtin -fno-sanitize=null,nonnull-attribute,pointer-overflow,alignment -Imodel/include"

# The model and the driver (LLVMFuzzerTestOneInput entry, no main()).
MODEL_OBJS=()
MODEL_INC="-Imodel/src -Imodel/src/capi -Imodel/src/mm -Imodel/src/kernel -Imodel/src/sim -Imodel/src/torture"
for src in model/src/*.cc model/src/*/*.cc fuzz/crash_file.cc; do
	o=$OBJ/$(basename "$src" .cc).o
	in_parallel $CXX $CXXFLAGS -std=gnu++20 -DKMAPSIM_NO_SUBJECT_SECTIONS $MODEL_INC -Ifuzz -Imodel/include -c "$src" -o "$o"
	MODEL_OBJS+=("$o")
done
# model/include only for the model's C API file: it shadows the system's
# <linux/...> headers, so the driver is built without it.
DRIVER_OBJS=()
for src in fuzz/subject_driver.cc fuzz/driver_*.cc; do
	o=$OBJ/$(basename "$src" .cc).o
	in_parallel $CXX $CXXFLAGS -std=gnu++20 -DKMAPSIM_LIBFUZZER_ENTRY $MODEL_INC -Ifuzz -c "$src" -o "$o"
	DRIVER_OBJS+=("$o")
done
settle

emit() { # NAME: seeds, dictionary and options beside $OUT/NAME
	local name=$1
	if [ -d "corpus/$name/seeds" ] && [ -n "$(ls -A "corpus/$name/seeds")" ]; then
		(cd "corpus/$name/seeds" && zip -q -j "$OUT/${name}_seed_corpus.zip" ./*)
	else
		# An empty corpus still gets its zip: libFuzzer starts from nothing.
		# (A directory per target: targets are built at the same time.)
		mkdir -p "$WORK/empty.$name" && : >"$WORK/empty.$name/empty"
		zip -q -j "$OUT/${name}_seed_corpus.zip" "$WORK/empty.$name/empty"
	fi
	cp fuzz/kmapsim.dict "$OUT/$name.dict"
	printf '[libfuzzer]\nmax_len = 4096\ndict = %s.dict\n' "$name" >"$OUT/$name.options"
}

build_subject_target() { # NAME SOURCE
	local name=$1 src=$2
	$CC $CFLAGS -std=gnu11 $SUBJECT_FLAGS -c "$src" -o "$OBJ/$name.o"
	$CXX $CXXFLAGS "$OBJ/$name.o" "${DRIVER_OBJS[@]}" "${MODEL_OBJS[@]}" $LIB_FUZZING_ENGINE -o "$OUT/$name"
	emit "$name"
}
subject_target() { # NAME SOURCE
	in_parallel build_subject_target "$1" "$2"
}

for t in api_sequence nesting_irq pkmap_pressure; do
	subject_target "fuzz_$t" "fuzz/$t.c"
done
for dir in subjects/*/; do
	entry=$(basename "$dir")
	[ -f "$dir/expect" ] || continue
	for variant in buggy fixed; do
		[ -f "$dir/$variant.c" ] || continue # fixed-only entries
		subject_target "zoo_${entry//-/_}_$variant" "$dir/$variant.c"
	done
done

# Users' own subjects: every file listed in ci/subjects.list (or in the file
# $KMAPSIM_SUBJECTS_LIST names), one path per line relative to the
# repository root, '#' starting a comment, becomes the target
# subject_<path with every other character than [A-Za-z0-9] as _, no .c>.
SUBJECTS_LIST=${KMAPSIM_SUBJECTS_LIST:-ci/subjects.list}
if [ -f "$SUBJECTS_LIST" ]; then
	while IFS= read -r line || [ -n "$line" ]; do
		path=${line%%#*}
		path=$(echo "$path" | tr -d '[:space:]')
		[ -n "$path" ] || continue
		if [ ! -f "$path" ]; then
			echo "build.sh: $SUBJECTS_LIST names $path, which does not exist" >&2
			exit 1
		fi
		name=${path%.c}
		subject_target "subject_${name//[^A-Za-z0-9]/_}" "$path"
	done <"$SUBJECTS_LIST"
fi

settle

# Engine targets: LLVMFuzzerTestOneInput of their own.
$CC $CFLAGS -std=gnu11 $SUBJECT_FLAGS -c fuzz/diff_program.c -o "$OBJ/diff_program.o"
$CXX $CXXFLAGS -std=gnu++20 $MODEL_INC -Ifuzz -c fuzz/profile_diff.cc -o "$OBJ/profile_diff.o"
$CXX $CXXFLAGS "$OBJ/profile_diff.o" "$OBJ/diff_program.o" "${MODEL_OBJS[@]}" $LIB_FUZZING_ENGINE -o "$OUT/fuzz_profile_diff"
emit fuzz_profile_diff
$CXX $CXXFLAGS -std=gnu++20 $MODEL_INC -Ifuzz -c fuzz/crash_decoder.cc -o "$OBJ/crash_decoder.o"
$CXX $CXXFLAGS "$OBJ/crash_decoder.o" "${MODEL_OBJS[@]}" $LIB_FUZZING_ENGINE -o "$OUT/fuzz_crash_decoder"
emit fuzz_crash_decoder
