/*
 * mm/zsmalloc.c unchanged (6.12, with CONFIG_ZSMALLOC_CHAIN_SIZE, a value
 * of the kernel's configuration, at the tree's Kconfig default): a pool, objects of picked sizes from
 * highmem zspages, and zs_map_object()/zs_unmap_object(), which map an
 * object with kmap_atomic() under the per-CPU mapping area's local_lock(),
 * or, for an object that spans two pages, copy it through the area's
 * per-CPU buffer. The harness supplies the shrinker calls, which the file
 * only declares, and brings each CPU up as the hotplug callback does.
 *   map_write_read  two tasks each allocate up to three objects of a
 *                   picked size (after the first, an object may span two
 *                   pages of its zspage), write each through a write-only
 *                   mapping, read them back through read-only ones and
 *                   free them: clean. Found when patched in: the copy back
 *                   of a spanning object one byte past its first page
 *                   (kmap-overrun).
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("mm/zsmalloc.c", zs_create_pool, zs_destroy_pool, zs_malloc, zs_free, zs_map_object,
	       zs_unmap_object, zs_cpu_prepare, zs_cpu_dead);

struct shrinker *shrinker_alloc(unsigned int flags, const char *fmt, ...)
{
	return kzalloc(sizeof(struct shrinker), GFP_KERNEL);
}

void shrinker_register(struct shrinker *shrinker)
{
}

void shrinker_free(struct shrinker *shrinker)
{
	kfree(shrinker);
}

struct user {
	struct zs_pool *pool;
	struct completion done;
	size_t size;
	u8 fill;
};

/* Objects after the first of a zspage may span two of its pages. */
#define NR_OBJECTS 3

static void use_objects(struct user *u)
{
	unsigned long handle[NR_OBJECTS];
	int i, n = 0;
	u8 *p;

	for (; n < NR_OBJECTS; n++) {
		handle[n] = zs_malloc(u->pool, u->size, GFP_KERNEL | __GFP_HIGHMEM | __GFP_MOVABLE);
		if (IS_ERR_VALUE(handle[n]))
			break;		/* -ENOMEM: an allocation failed */
		p = zs_map_object(u->pool, handle[n], ZS_MM_WO);
		memset(p, u->fill + n, u->size);
		zs_unmap_object(u->pool, handle[n]);
	}
	for (i = 0; i < n; i++) {
		p = zs_map_object(u->pool, handle[i], ZS_MM_RO);
		BUG_ON(memchr_inv(p, u->fill + i, u->size));
		zs_unmap_object(u->pool, handle[i]);
		zs_free(u->pool, handle[i]);
	}
}

static int user_fn(void *data)
{
	struct user *u = data;

	use_objects(u);
	complete(&u->done);
	return 0;
}

KMAPSIM_SUBJECT(map_write_read)
{
	struct zs_pool *pool = zs_create_pool("kmapsim");
	struct user u[2];
	int cpu, i;

	if (!pool)
		return;
	for_each_possible_cpu(cpu)
		if (zs_cpu_prepare(cpu))
			goto out;
	for (i = 0; i < 2; i++) {
		u[i].pool = pool;
		/* sizes whose objects may span two of a zspage's pages */
		u[i].size = kmapsim_pick_named("size", 32, 3 * PAGE_SIZE / 4);
		u[i].fill = 0xa0 + 0x10 * i;
		init_completion(&u[i].done);
	}
	kthread_run(user_fn, &u[0], "zs-user");
	use_objects(&u[1]);
	wait_for_completion(&u[0].done);
out:
	for_each_possible_cpu(cpu)
		zs_cpu_dead(cpu);
	zs_destroy_pool(pool);
}
