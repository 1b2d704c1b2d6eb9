/*
 * etfs.c -- host files inside the kernel's namespace (rump_pub_etfs_*).
 * Registering a key mounts a small file system of type "etfs"
 * (etfs_vnops.c) on a node at that path, made if missing together with
 * missing parent directories: a regular file or device node backed by the
 * host file, or a directory through which lookups reach host files by
 * path.  Removing the key unmounts it (EBUSY while in use) and removes
 * the node it made.  Registrations are serialized by one lock.
 */
#include <sys/component.h>

#include "etfs.h"

KMEM_TYPE_DEFINE(M_ETFS, "etfs");

static kmutex_t etfs_lock; /* the registrations; one at a time */
static struct list_head etfs_entries = LIST_HEAD_INIT(etfs_entries);
struct etfs_entry *etfs_mounting;

static struct etfs_entry *etfs_find(const char *key)
{
	list_foreach(it, &etfs_entries)
	{
		struct etfs_entry *ee =
			list_entry(it, struct etfs_entry, ee_node);
		if (strcmp(ee->ee_key, key) == 0)
			return ee;
	}
	return NULL;
}

static void etfs_entry_free(struct etfs_entry *ee)
{
	if (ee->ee_partnums != NULL)
		kmem_free(ee->ee_partnums,
			  (size_t)ee->ee_nparts * sizeof(*ee->ee_partnums),
			  &M_ETFS);
	kmem_strfree(ee->ee_key, &M_ETFS);
	kmem_strfree(ee->ee_hostpath, &M_ETFS);
	kmem_free(ee, sizeof(*ee), &M_ETFS);
}

/* mkdir -p of the directories above key (each component as in key). */
static void etfs_mkparents(const char *key)
{
	char *p = kmem_strdup(key, &M_ETFS);

	if (p == NULL)
		return;
	for (char *cp = p + 1; *cp != '\0'; cp++) {
		if (*cp != '/')
			continue;
		*cp = '\0';
		(void)vfs_makenode(AT_FDCWD, p, NI_KERNPATH, VDIR, 0755, 0,
				   NULL);
		*cp = '/';
	}
	kmem_strfree(p, &M_ETFS);
}

/* The node the key names, made if missing (*createdp). */
static int etfs_placeholder(struct etfs_entry *ee, struct vnode **vpp,
			    bool *createdp)
{
	enum vtype want = ee->ee_type == RUMP_ETFS_REG	 ? VREG
			  : ee->ee_type == RUMP_ETFS_BLK ? VBLK
			  : ee->ee_type == RUMP_ETFS_CHR ? VCHR
							 : VDIR;
	kauth_cred_t cred = cred_get(curproc);
	int error;

	*createdp = false;
	etfs_mkparents(ee->ee_key);
	error = vfs_makenode(AT_FDCWD, ee->ee_key, NI_KERNPATH, want,
			     want == VDIR ? 0755 : 0644, 0, NULL);
	if (error == 0)
		*createdp = true;
	else if (error != EEXIST)
		goto out;
	error = namei_simple(AT_FDCWD, ee->ee_key, NI_KERNPATH, cred, vpp);
	if (error == 0 && (*vpp)->v_type != want) {
		vrele(*vpp);
		error = EEXIST;
	}
out:
	cred_free(cred);
	return error;
}

int rump_kern_etfs_register_withsize(const char *key, const char *hostpath,
				     int ftype, uint64_t begin, uint64_t size);
int rump_kern_etfs_remove(const char *key);

/* "<key>p<num>", the node of a disk's partition; NULL without memory. */
static char *etfs_partname(const char *key, uint32_t num)
{
	size_t len = strlen(key) + 16;
	char *name = kmem_alloc(len, &M_ETFS);

	if (name != NULL)
		snprintf(name, len, "%sp%u", key, num);
	return name;
}

/* Removes the first n partition nodes of ee, and the disk's own node. */
static void etfs_disk_unmake(struct etfs_entry *ee, int n, bool whole)
{
	for (int i = 0; i < n; i++) {
		char *name = etfs_partname(ee->ee_key, ee->ee_partnums[i]);
		if (name != NULL) {
			(void)vfs_removenode(AT_FDCWD, name, NI_KERNPATH,
					     false);
			kmem_free(name, strlen(ee->ee_key) + 16, &M_ETFS);
		}
	}
	if (whole)
		(void)vfs_removenode(AT_FDCWD, ee->ee_key, NI_KERNPATH, false);
}

/*
 * A block device registration when librumpdev_disk offers disks: the
 * host file becomes a disk, with a device node at key for the whole disk
 * and one at <key>p<N> for each partition N of its MBR or GPT.
 */
static int etfs_disk_register(struct etfs_entry *ee,
			      const struct hostdisk_ops *hd)
{
	dev_t parts[DISK_MAXNODES];
	uint32_t nums[DISK_MAXNODES];
	int n = DISK_MAXNODES, error, made = 0;

	error = hd->hd_attach(ee->ee_hostpath, ee->ee_begin, ee->ee_size,
			      &ee->ee_dev, parts, nums, &n);
	if (error != 0)
		return error;
	ee->ee_hd = hd;
	if (n > 0) {
		ee->ee_partnums =
			kmem_alloc((size_t)n * sizeof(*nums), &M_ETFS);
		if (ee->ee_partnums == NULL) {
			error = ENOMEM;
			goto fail;
		}
		memcpy(ee->ee_partnums, nums, (size_t)n * sizeof(*nums));
		ee->ee_nparts = n;
	}
	etfs_mkparents(ee->ee_key);
	error = vfs_makenode(AT_FDCWD, ee->ee_key, NI_KERNPATH, VBLK, 0600,
			     ee->ee_dev, NULL);
	if (error != 0)
		goto fail;
	for (made = 0; made < n; made++) {
		char *name = etfs_partname(ee->ee_key, nums[made]);

		error = name == NULL
				? ENOMEM
				: vfs_makenode(AT_FDCWD, name, NI_KERNPATH,
					       VBLK, 0600, parts[made], NULL);
		if (name != NULL)
			kmem_free(name, strlen(ee->ee_key) + 16, &M_ETFS);
		if (error != 0) {
			etfs_disk_unmake(ee, made, true);
			goto fail;
		}
	}
	ee->ee_created = true;
	return 0;
fail:
	(void)hd->hd_detach(ee->ee_dev);
	ee->ee_hd = NULL;
	return error;
}

int rump_kern_etfs_register_withsize(const char *key, const char *hostpath,
				     int ftype, uint64_t begin, uint64_t size)
{
	struct etfs_entry *ee;
	struct vnode *covered;
	bool created;
	int error;

	if ((error = kern_entry_error()) != 0)
		return error;
	if (key == NULL || hostpath == NULL || key[0] != '/' ||
	    strlen(key) >= PATH_MAX || ftype < RUMP_ETFS_REG ||
	    ftype > RUMP_ETFS_DIR_SUBDIRS)
		return EINVAL;
	if ((ftype == RUMP_ETFS_DIR || ftype == RUMP_ETFS_DIR_SUBDIRS) &&
	    (begin != 0 || size != RUMP_ETFS_SIZE_ENDOFF))
		return EINVAL;
	rump_schedule();
	mutex_enter(&etfs_lock);
	if (etfs_find(key) != NULL) {
		error = EEXIST;
		goto out;
	}
	if ((ee = kmem_zalloc(sizeof(*ee), &M_ETFS)) == NULL ||
	    (ee->ee_key = kmem_strdup(key, &M_ETFS)) == NULL ||
	    (ee->ee_hostpath = kmem_strdup(hostpath, &M_ETFS)) == NULL) {
		if (ee != NULL) {
			if (ee->ee_key != NULL)
				kmem_strfree(ee->ee_key, &M_ETFS);
			kmem_free(ee, sizeof(*ee), &M_ETFS);
		}
		error = ENOMEM;
		goto out;
	}
	ee->ee_type = ftype;
	ee->ee_begin = begin;
	ee->ee_size = size;
	if (ftype == RUMP_ETFS_BLK && hostdisk_get() != NULL) {
		if ((error = etfs_disk_register(ee, hostdisk_get())) != 0)
			etfs_entry_free(ee);
		else
			list_push_back(&etfs_entries, &ee->ee_node);
		goto out;
	}
	if ((error = etfs_placeholder(ee, &covered, &created)) != 0) {
		etfs_entry_free(ee);
		goto out;
	}
	etfs_mounting = ee;
	error = vfs_domount_ops(covered, &etfs_vfsops, "etfs", key, NULL, 0,
				key, NULL);
	etfs_mounting = NULL;
	vrele(covered);
	if (error != 0) {
		if (created)
			vfs_removenode(AT_FDCWD, key, NI_KERNPATH,
				       ftype >= RUMP_ETFS_DIR);
		etfs_entry_free(ee);
		goto out;
	}
	ee->ee_created = created;
	list_push_back(&etfs_entries, &ee->ee_node);
out:
	mutex_exit(&etfs_lock);
	rump_unschedule();
	return error;
}

int rump_kern_etfs_remove(const char *key)
{
	kauth_cred_t cred;
	struct etfs_entry *ee;
	struct vnode *vp;
	int error;

	if ((error = kern_entry_error()) != 0)
		return error;
	if (key == NULL)
		return EINVAL;
	rump_schedule();
	mutex_enter(&etfs_lock);
	if ((ee = etfs_find(key)) == NULL) {
		error = ENOENT;
		goto out;
	}
	if (ee->ee_hd != NULL) {
		/* A disk: EBUSY while open, then its nodes go. */
		if ((error = ee->ee_hd->hd_detach(ee->ee_dev)) != 0)
			goto out;
		etfs_disk_unmake(ee, ee->ee_nparts, true);
		list_remove(&ee->ee_node);
		etfs_entry_free(ee);
		goto out;
	}
	/* Unmount it if it is still mounted there (a user may have). */
	cred = cred_get(curproc);
	error = namei_simple(AT_FDCWD, key, NI_KERNPATH, cred, &vp);
	cred_free(cred);
	if (error == 0) {
		struct mount *mp = vn_mount(vp);

		if (mp->mnt_op == &etfs_vfsops &&
		    ((struct etfs_mount *)mp->mnt_data)->em_entry == ee &&
		    vn_isroot(vp))
			error = vfs_dounmount(vp, 0);
		else
			vrele(vp);
	} else if (error == ENOENT) {
		error = 0;
	}
	if (error != 0)
		goto out;
	if (ee->ee_created)
		vfs_removenode(AT_FDCWD, key, NI_KERNPATH,
			       ee->ee_type >= RUMP_ETFS_DIR);
	list_remove(&ee->ee_node);
	etfs_entry_free(ee);
out:
	mutex_exit(&etfs_lock);
	rump_unschedule();
	return error;
}

int etfs_init(void)
{
	mutex_init(&etfs_lock, MUTEX_DEFAULT);
	list_init(&etfs_entries);
	return 0;
}

/*
 * Shutdown: every etfs mount goes (forcibly), then the registrations.
 * Disks stay until etfs_fini_disks, after every file system that may
 * have them open is unmounted.
 */
void etfs_fini(void)
{
	vfs_unregister(&etfs_vfsops);
	list_foreach_safe(it, &etfs_entries)
	{
		struct etfs_entry *ee =
			list_entry(it, struct etfs_entry, ee_node);
		if (ee->ee_hd == NULL) {
			list_remove(&ee->ee_node);
			etfs_entry_free(ee);
		}
	}
}

void etfs_fini_disks(void)
{
	while (!list_empty(&etfs_entries)) {
		struct etfs_entry *ee = list_entry(list_first(&etfs_entries),
						   struct etfs_entry, ee_node);
		int error = ee->ee_hd->hd_detach(ee->ee_dev);
		if (error != 0)
			printf("etfs: disk %s still in use at shutdown: "
			       "error %d\n",
			       ee->ee_key, error);
		list_remove(&ee->ee_node);
		etfs_entry_free(ee);
	}
	mutex_destroy(&etfs_lock);
}
