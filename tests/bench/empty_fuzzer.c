/* The empty libFuzzer target the exec-rate benchmark compares against:
 * built with the same flags as a subject (ASan + UBSan + fuzzer). */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
