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

/* Shutdown: every etfs mount goes (forcibly), then the registrations. */
void etfs_fini(void)
{
	vfs_unregister(&etfs_vfsops);
	while (!list_empty(&etfs_entries)) {
		struct etfs_entry *ee = list_entry(list_first(&etfs_entries),
						   struct etfs_entry, ee_node);
		list_remove(&ee->ee_node);
		etfs_entry_free(ee);
	}
	mutex_destroy(&etfs_lock);
}
