/*
 * ext2fs.h -- the ext2/ext3/ext4 driver's internal header: on-disk
 * structures (superblock, group descriptors, inodes, extent tree nodes),
 * feature bits, the in-core mount and inode, and the functions the parts
 * of the driver call across files (inodes, block maps, allocation, the
 * metadata transaction funnel, the directory and journal code).  Every
 * on-disk field is little-endian; the kernel only runs on little-endian
 * CPUs (checked below), so structures are read in place.
 *
 * Rules for every file of the driver: metadata buffers are changed only
 * inside a transaction (ext2_trans_begin .. ext2_trans_end) and handed to
 * ext2_trans_dirty instead of bdwrite; a freed metadata block goes through
 * ext2_trans_revoke.  Checksums (metadata_csum) are computed by whoever
 * changes a block, before ext2_trans_dirty.  Functions return 0 or a
 * kernel errno.
 */
#ifndef RUMPKERN_FS_EXT2FS_H_
#define RUMPKERN_FS_EXT2FS_H_
#include <sys/crc.h>
#include <sys/mutex.h>
#include <sys/types.h>
#include <sys/vnode.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ext2fs reads its little-endian structures in place"
#endif

struct buf;
struct ext2_trans;
struct jbd2_journal;
struct jbd2_handle;

/* ---- On-disk constants ---- */
#define EXT2_SUPER_OFFSET 1024 /* byte offset of the primary superblock */
#define EXT2_SUPER_MAGIC 0xEF53
#define EXT2_ROOT_INO 2
#define EXT2_RESIZE_INO 7
#define EXT2_JOURNAL_INO 8
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_REV 0
#define EXT2_DYNAMIC_REV 1
#define EXT2_MIN_BLOCK_LOG 10 /* 1 KiB */
#define EXT2_MAX_BLOCK_LOG 16 /* 64 KiB */
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15
#define EXT2_LINK_MAX 65000 /* above it, dir_nlink directories show 1 */
#define EXT2_NAME_LEN 255
#define EXT2_FAST_SYMLINK_MAX 59 /* target bytes that fit in i_block */

/* s_state */
#define EXT2_VALID_FS 0x0001
#define EXT2_ERROR_FS 0x0002
#define EXT3_ORPHAN_FS 0x0004

/* s_feature_compat */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC 0x0001
#define EXT2_FEATURE_COMPAT_IMAGIC_INODES 0x0002
#define EXT3_FEATURE_COMPAT_HAS_JOURNAL 0x0004
#define EXT2_FEATURE_COMPAT_EXT_ATTR 0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE 0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020
#define EXT2_FEATURE_COMPAT_SPARSE_SUPER2 0x0200
#define EXT2_FEATURE_COMPAT_FAST_COMMIT 0x0400
#define EXT2_FEATURE_COMPAT_STABLE_INODES 0x0800
#define EXT2_FEATURE_COMPAT_ORPHAN_FILE 0x1000

/* s_feature_ro_compat */
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR 0x0004
#define EXT4_FEATURE_RO_COMPAT_HUGE_FILE 0x0008
#define EXT4_FEATURE_RO_COMPAT_GDT_CSUM 0x0010
#define EXT4_FEATURE_RO_COMPAT_DIR_NLINK 0x0020
#define EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE 0x0040
#define EXT4_FEATURE_RO_COMPAT_QUOTA 0x0100
#define EXT4_FEATURE_RO_COMPAT_BIGALLOC 0x0200
#define EXT4_FEATURE_RO_COMPAT_METADATA_CSUM 0x0400
#define EXT4_FEATURE_RO_COMPAT_READONLY 0x1000
#define EXT4_FEATURE_RO_COMPAT_PROJECT 0x2000
#define EXT4_FEATURE_RO_COMPAT_VERITY 0x8000
#define EXT4_FEATURE_RO_COMPAT_ORPHAN_PRESENT 0x10000

/* s_feature_incompat */
#define EXT2_FEATURE_INCOMPAT_COMPRESSION 0x0001
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT3_FEATURE_INCOMPAT_RECOVER 0x0004
#define EXT3_FEATURE_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT2_FEATURE_INCOMPAT_META_BG 0x0010
#define EXT4_FEATURE_INCOMPAT_EXTENTS 0x0040
#define EXT4_FEATURE_INCOMPAT_64BIT 0x0080
#define EXT4_FEATURE_INCOMPAT_MMP 0x0100
#define EXT4_FEATURE_INCOMPAT_FLEX_BG 0x0200
#define EXT4_FEATURE_INCOMPAT_EA_INODE 0x0400
#define EXT4_FEATURE_INCOMPAT_DIRDATA 0x1000
#define EXT4_FEATURE_INCOMPAT_CSUM_SEED 0x2000
#define EXT4_FEATURE_INCOMPAT_LARGEDIR 0x4000
#define EXT4_FEATURE_INCOMPAT_INLINE_DATA 0x8000
#define EXT4_FEATURE_INCOMPAT_ENCRYPT 0x10000
#define EXT4_FEATURE_INCOMPAT_CASEFOLD 0x20000

/* What this driver implements (ext2_super.c checks against these). */
#define EXT2_INCOMPAT_SUPPORTED                                                \
	(EXT2_FEATURE_INCOMPAT_FILETYPE | EXT3_FEATURE_INCOMPAT_RECOVER |      \
	 EXT2_FEATURE_INCOMPAT_META_BG | EXT4_FEATURE_INCOMPAT_EXTENTS |       \
	 EXT4_FEATURE_INCOMPAT_64BIT | EXT4_FEATURE_INCOMPAT_FLEX_BG |         \
	 EXT4_FEATURE_INCOMPAT_CSUM_SEED)
#define EXT2_RO_COMPAT_SUPPORTED                                               \
	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER |                                 \
	 EXT2_FEATURE_RO_COMPAT_LARGE_FILE |                                   \
	 EXT2_FEATURE_RO_COMPAT_BTREE_DIR | EXT4_FEATURE_RO_COMPAT_HUGE_FILE | \
	 EXT4_FEATURE_RO_COMPAT_GDT_CSUM | EXT4_FEATURE_RO_COMPAT_DIR_NLINK |  \
	 EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE |                                  \
	 EXT4_FEATURE_RO_COMPAT_METADATA_CSUM)

/* s_def_hash_version and s_flags (directory hashes, for ext2dir) */
#define EXT2_HASH_LEGACY 0
#define EXT2_HASH_HALF_MD4 1
#define EXT2_HASH_TEA 2
#define EXT2_HASH_LEGACY_UNSIGNED 3
#define EXT2_HASH_HALF_MD4_UNSIGNED 4
#define EXT2_HASH_TEA_UNSIGNED 5
#define EXT2_FLAGS_SIGNED_HASH 0x0001
#define EXT2_FLAGS_UNSIGNED_HASH 0x0002

#define EXT4_CRC32C_CHKSUM 1 /* s_checksum_type */

/* The superblock, 1024 bytes at byte 1024 of the device. */
struct ext2_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count_lo;
	uint32_t s_r_blocks_count_lo;
	uint32_t s_free_blocks_count_lo;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size; /* block size = 1024 << this */
	uint32_t s_log_cluster_size;
	uint32_t s_blocks_per_group;
	uint32_t s_clusters_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	/* journal */
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan; /* head of the orphan inode list */
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_jnl_backup_type;
	uint16_t s_desc_size;
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint32_t s_mkfs_time;
	uint32_t s_jnl_blocks[17];
	/* 64bit */
	uint32_t s_blocks_count_hi;
	uint32_t s_r_blocks_count_hi;
	uint32_t s_free_blocks_count_hi;
	uint16_t s_min_extra_isize;
	uint16_t s_want_extra_isize;
	uint32_t s_flags;
	uint16_t s_raid_stride;
	uint16_t s_mmp_interval;
	uint64_t s_mmp_block;
	uint32_t s_raid_stripe_width;
	uint8_t s_log_groups_per_flex;
	uint8_t s_checksum_type;
	uint16_t s_reserved_pad;
	uint64_t s_kbytes_written;
	uint32_t s_snapshot_inum;
	uint32_t s_snapshot_id;
	uint64_t s_snapshot_r_blocks_count;
	uint32_t s_snapshot_list;
	uint32_t s_error_count;
	uint32_t s_first_error_time;
	uint32_t s_first_error_ino;
	uint64_t s_first_error_block;
	uint8_t s_first_error_func[32];
	uint32_t s_first_error_line;
	uint32_t s_last_error_time;
	uint32_t s_last_error_ino;
	uint32_t s_last_error_line;
	uint64_t s_last_error_block;
	uint8_t s_last_error_func[32];
	uint8_t s_mount_opts[64];
	uint32_t s_usr_quota_inum;
	uint32_t s_grp_quota_inum;
	uint32_t s_overhead_clusters;
	uint32_t s_backup_bgs[2];
	uint8_t s_encrypt_algos[4];
	uint8_t s_encrypt_pw_salt[16];
	uint32_t s_lpf_ino;
	uint32_t s_prj_quota_inum;
	uint32_t s_checksum_seed;
	uint8_t s_wtime_hi;
	uint8_t s_mtime_hi;
	uint8_t s_mkfs_time_hi;
	uint8_t s_lastcheck_hi;
	uint8_t s_first_error_time_hi;
	uint8_t s_last_error_time_hi;
	uint8_t s_first_error_errcode;
	uint8_t s_last_error_errcode;
	uint16_t s_encoding;
	uint16_t s_encoding_flags;
	uint32_t s_orphan_file_inum;
	uint32_t s_reserved[94];
	uint32_t s_checksum; /* crc32c(~0, bytes 0..0x3fb) */
};
_Static_assert(sizeof(struct ext2_super) == 1024, "superblock size");
_Static_assert(__builtin_offsetof(struct ext2_super, s_desc_size) == 0xFE,
	       "s_desc_size");
_Static_assert(__builtin_offsetof(struct ext2_super, s_log_groups_per_flex) ==
		       0x174,
	       "s_log_groups_per_flex");
_Static_assert(__builtin_offsetof(struct ext2_super, s_checksum_seed) == 0x270,
	       "s_checksum_seed");

/* A block group descriptor: 32 bytes, or s_desc_size (64) with 64bit. */
struct ext2_gd {
	uint32_t bg_block_bitmap_lo;
	uint32_t bg_inode_bitmap_lo;
	uint32_t bg_inode_table_lo;
	uint16_t bg_free_blocks_count_lo;
	uint16_t bg_free_inodes_count_lo;
	uint16_t bg_used_dirs_count_lo;
	uint16_t bg_flags; /* EXT2_BG_* */
	uint32_t bg_exclude_bitmap_lo;
	uint16_t bg_block_bitmap_csum_lo;
	uint16_t bg_inode_bitmap_csum_lo;
	uint16_t bg_itable_unused_lo;
	uint16_t bg_checksum;
	/* 64-byte descriptors only */
	uint32_t bg_block_bitmap_hi;
	uint32_t bg_inode_bitmap_hi;
	uint32_t bg_inode_table_hi;
	uint16_t bg_free_blocks_count_hi;
	uint16_t bg_free_inodes_count_hi;
	uint16_t bg_used_dirs_count_hi;
	uint16_t bg_itable_unused_hi;
	uint32_t bg_exclude_bitmap_hi;
	uint16_t bg_block_bitmap_csum_hi;
	uint16_t bg_inode_bitmap_csum_hi;
	uint32_t bg_reserved;
};
_Static_assert(sizeof(struct ext2_gd) == 64, "group descriptor size");
#define EXT2_MIN_DESC_SIZE 32
#define EXT2_MIN_DESC_SIZE_64BIT 64
#define EXT2_MAX_DESC_SIZE 1024
#define EXT2_BG_INODE_UNINIT 0x0001 /* inode table and bitmap not set up */
#define EXT2_BG_BLOCK_UNINIT 0x0002 /* block bitmap not set up */
#define EXT2_BG_INODE_ZEROED 0x0004 /* inode table zeroed */

/* An inode: 128 bytes, then i_extra_isize more of the fields below. */
struct ext2_dinode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size_lo;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime; /* deletion time; the next orphan in the list */
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks_lo; /* 512-byte units, or fs blocks (HUGE_FILE) */
	uint32_t i_flags;     /* EXT2_*_FL */
	uint32_t i_version_lo;
	uint32_t i_block[EXT2_N_BLOCKS]; /* block map, extent root, link */
	uint32_t i_generation;
	uint32_t i_file_acl_lo; /* extended attribute block */
	uint32_t i_size_high;
	uint32_t i_obso_faddr;
	uint16_t i_blocks_high;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint16_t i_checksum_lo;
	uint16_t i_reserved;
	/* extra fields, present when i_extra_isize covers them */
	uint16_t i_extra_isize;
	uint16_t i_checksum_hi;
	uint32_t i_ctime_extra; /* nanoseconds << 2 | epoch bits */
	uint32_t i_mtime_extra;
	uint32_t i_atime_extra;
	uint32_t i_crtime;
	uint32_t i_crtime_extra;
	uint32_t i_version_hi;
	uint32_t i_projid;
};
_Static_assert(sizeof(struct ext2_dinode) == 160, "inode size");
#define EXT2_INODE_EXTRA_END(f)                                                \
	(__builtin_offsetof(struct ext2_dinode, f) +                           \
	 sizeof(((struct ext2_dinode *)0)->f))
#define EXT2_DEFAULT_EXTRA_ISIZE 32

/* i_flags */
#define EXT2_SECRM_FL 0x00000001
#define EXT2_UNRM_FL 0x00000002
#define EXT2_COMPR_FL 0x00000004
#define EXT2_SYNC_FL 0x00000008
#define EXT2_IMMUTABLE_FL 0x00000010
#define EXT2_APPEND_FL 0x00000020
#define EXT2_NODUMP_FL 0x00000040
#define EXT2_NOATIME_FL 0x00000080
#define EXT2_INDEX_FL 0x00001000 /* hash-indexed directory */
#define EXT2_JOURNAL_DATA_FL 0x00004000
#define EXT2_DIRSYNC_FL 0x00010000
#define EXT2_TOPDIR_FL 0x00020000
#define EXT4_HUGE_FILE_FL 0x00040000 /* i_blocks in fs blocks */
#define EXT4_EXTENTS_FL 0x00080000
#define EXT4_EA_INODE_FL 0x00200000
#define EXT4_INLINE_DATA_FL 0x10000000

/* i_mode file types */
#define EXT2_S_IFMT 0170000
#define EXT2_S_IFSOCK 0140000
#define EXT2_S_IFLNK 0120000
#define EXT2_S_IFREG 0100000
#define EXT2_S_IFBLK 0060000
#define EXT2_S_IFDIR 0040000
#define EXT2_S_IFCHR 0020000
#define EXT2_S_IFIFO 0010000

/* Extent tree nodes: a header, then eh_max index or leaf entries. */
#define EXT4_EXT_MAGIC 0xF30A
#define EXT4_EXT_MAX_DEPTH 5
#define EXT4_EXT_INIT_MAX_LEN 32768 /* longer: an unwritten extent */
struct ext4_extent_header {
	uint16_t eh_magic;
	uint16_t eh_entries;
	uint16_t eh_max;
	uint16_t eh_depth; /* 0: leaves follow */
	uint32_t eh_generation;
};
struct ext4_extent_idx {
	uint32_t ei_block; /* first logical block covered */
	uint32_t ei_leaf_lo;
	uint16_t ei_leaf_hi;
	uint16_t ei_unused;
};
struct ext4_extent {
	uint32_t ee_block;
	uint16_t ee_len; /* > 32768: unwritten, length ee_len - 32768 */
	uint16_t ee_start_hi;
	uint32_t ee_start_lo;
};
/* In a tree block after the eh_max entries (metadata_csum). */
struct ext4_extent_tail {
	uint32_t et_checksum;
};
_Static_assert(sizeof(struct ext4_extent_header) == 12, "extent header");
_Static_assert(sizeof(struct ext4_extent_idx) == 12, "extent index");
_Static_assert(sizeof(struct ext4_extent) == 12, "extent");

/* Extended attribute block header (the block i_file_acl points to). */
#define EXT2_XATTR_MAGIC 0xEA020000
struct ext2_xattr_header {
	uint32_t h_magic;
	uint32_t h_refcount;
	uint32_t h_blocks;
	uint32_t h_hash;
	uint32_t h_checksum; /* crc32c(seed, block number (le64), block) */
	uint32_t h_reserved[3];
};

/* ---- In-core mount ---- */
struct ext2_mount {
	struct mount *em_mp;
	struct vnode *em_devvp;	 /* the block device (etfs block node) */
	struct ext2_super em_sb; /* in-core superblock, ext2_sb_write */
	bool em_ronly;		 /* mounted read-only (or forced to) */
	bool em_csum;		 /* metadata_csum */
	bool em_gdt_csum;	 /* uninit_bg (crc16 descriptors) */
	bool em_extents;	 /* new files use extents */
	uint32_t em_bsize;	 /* block size in bytes */
	uint32_t em_bshift;	 /* log2(em_bsize) */
	uint32_t em_fsbtodb;	 /* log2(em_bsize / 512): block -> b_blkno */
	uint64_t em_nblocks;	 /* blocks in the file system */
	uint32_t em_first_data_block;
	uint32_t em_ngroups;
	uint32_t em_bpg; /* blocks per group */
	uint32_t em_ipg; /* inodes per group */
	uint32_t em_inode_size;
	uint32_t em_inodes_per_block;
	uint32_t em_itb_per_group; /* inode table blocks per group */
	uint32_t em_desc_size;
	uint32_t em_descs_per_block;
	uint32_t em_gdb_count;	    /* blocks of group descriptors */
	uint32_t em_first_ino;	    /* first non-reserved inode */
	uint32_t em_addr_per_block; /* block numbers in an indirect block */
	uint32_t em_csum_seed;	    /* crc32c seed for metadata checksums */
	uint32_t em_flexbg_size;    /* groups per flex group (1: none) */
	uint8_t *em_gd;		    /* all descriptors, em_gdb_count blocks */
	uint8_t *em_gflags;	    /* per group: bitmaps verified (alloc) */
	uint64_t em_free_blocks;    /* exact counts, kept under em_lock */
	uint64_t em_free_inodes;
	uint64_t em_r_blocks;		 /* reserved for root */
	struct jbd2_journal *em_journal; /* NULL without a journal */
	kmutex_t em_lock;	 /* allocation: bitmaps, descriptors, counts */
	kmutex_t em_orphan_lock; /* the orphan list */
	uint32_t em_last_dir_group;
	uint16_t em_mount_state; /* s_state at mount, restored at unmount */
	struct ext2_inode *em_orphans; /* in-core orphans, on-disk order */
};
#define VFSTOEXT2(mp) ((struct ext2_mount *)(mp)->mnt_data)

static inline bool ext2_has_compat(const struct ext2_mount *em, uint32_t f)
{
	return (em->em_sb.s_feature_compat & f) != 0;
}
static inline bool ext2_has_ro_compat(const struct ext2_mount *em, uint32_t f)
{
	return (em->em_sb.s_feature_ro_compat & f) != 0;
}
static inline bool ext2_has_incompat(const struct ext2_mount *em, uint32_t f)
{
	return (em->em_sb.s_feature_incompat & f) != 0;
}
/* The device address (512-byte units) of file system block blk. */
static inline int64_t ext2_fsbtodb(const struct ext2_mount *em, uint64_t blk)
{
	return (int64_t)(blk << em->em_fsbtodb);
}

/* ---- In-core inode ---- */
struct ext2_inode {
	struct ext2_mount *i_mount;
	struct vnode *i_vnode;
	uint32_t i_number;
	uint32_t i_flags;	   /* copy of i_din->i_flags */
	uint64_t i_size;	   /* copy of the on-disk size */
	uint32_t i_csum_seed;	   /* crc32c(fs seed, number, generation) */
	uint32_t i_rawsize;	   /* bytes at i_din (>= sizeof ext2_dinode) */
	struct ext2_dinode *i_din; /* the on-disk inode, authoritative */
	bool i_orphan;		   /* on the on-disk orphan list */
	bool i_freed;		   /* number freed; reload before reuse */
	struct ext2_inode *i_orphan_next; /* em_orphans list */
	/* block-map cache of the last lookup (readers race harmlessly) */
	kmutex_t i_lock; /* i_din fields changed under a shared vnode lock */
};
#define VTOI(vp) ((struct ext2_inode *)(vp)->v_data)
#define ITOV(ip) ((ip)->i_vnode)

/*
 * A new in-core size.  ext2_iupdate may copy this inode to disk from a
 * thread that does not hold its vnode (the orphan list links inodes), so
 * the size changes under i_lock, as the i_din fields do.
 */
static inline void ext2_setsize(struct ext2_inode *ip, uint64_t size)
{
	mutex_enter(&ip->i_lock);
	ip->i_size = size;
	mutex_exit(&ip->i_lock);
}

static inline uint16_t ext2_imode(const struct ext2_inode *ip)
{
	return ip->i_din->i_mode;
}
static inline bool ext2_isdir(const struct ext2_inode *ip)
{
	return (ip->i_din->i_mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
}
/* i_extra_isize, or 0 when the inode has no room for extra fields. */
uint32_t ext2_inode_extra(const struct ext2_inode *ip);
/* Whether the extra field ending at byte end is present in this inode. */
static inline bool ext2_inode_has(const struct ext2_inode *ip, size_t end)
{
	return end <= EXT2_GOOD_OLD_INODE_SIZE + ext2_inode_extra(ip);
}

/* ---- Superblock and group descriptors (ext2_super.c) ---- */
/* Decodes and validates sb (EINVAL/EROFS with a console message). */
int ext2_sb_check(const struct ext2_super *sb, bool ronly, bool *force_ronly);
/* Sets up em's geometry from em->em_sb (after ext2_sb_check). */
int ext2_sb_geometry(struct ext2_mount *em);
bool ext2_sb_csum_ok(const struct ext2_super *sb);
void ext2_sb_csum_set(struct ext2_super *sb);
/* ext2_sbio.c: the superblock at byte 1024 of devvp (unchecked). */
int ext2_sb_read(struct vnode *devvp, struct ext2_super *sb);
/* Reads and checks every descriptor into em_gd, sums the free counts. */
int ext2_gd_load(struct ext2_mount *em);
void ext2_gd_unload(struct ext2_mount *em);
/* Writes the in-core superblock (counts included) through tp. */
int ext2_sb_write(struct ext2_trans *tp, struct ext2_mount *em);
/* Group descriptor g (in em_gd); accessors for split 32/64-bit fields. */
struct ext2_gd *ext2_gd(struct ext2_mount *em, uint32_t g);
uint64_t ext2_gd_block_bitmap(const struct ext2_mount *em,
			      const struct ext2_gd *gd);
uint64_t ext2_gd_inode_bitmap(const struct ext2_mount *em,
			      const struct ext2_gd *gd);
uint64_t ext2_gd_inode_table(const struct ext2_mount *em,
			     const struct ext2_gd *gd);
uint32_t ext2_gd_free_blocks(const struct ext2_mount *em,
			     const struct ext2_gd *gd);
uint32_t ext2_gd_free_inodes(const struct ext2_mount *em,
			     const struct ext2_gd *gd);
uint32_t ext2_gd_used_dirs(const struct ext2_mount *em,
			   const struct ext2_gd *gd);
uint32_t ext2_gd_itable_unused(const struct ext2_mount *em,
			       const struct ext2_gd *gd);
void ext2_gd_set_free_blocks(const struct ext2_mount *em, struct ext2_gd *gd,
			     uint32_t n);
void ext2_gd_set_free_inodes(const struct ext2_mount *em, struct ext2_gd *gd,
			     uint32_t n);
void ext2_gd_set_used_dirs(const struct ext2_mount *em, struct ext2_gd *gd,
			   uint32_t n);
void ext2_gd_set_itable_unused(const struct ext2_mount *em, struct ext2_gd *gd,
			       uint32_t n);
uint16_t ext2_gd_csum(const struct ext2_mount *em, uint32_t g,
		      const struct ext2_gd *gd);
/* Device block holding descriptor block i (meta_bg aware). */
uint64_t ext2_gd_block_location(const struct ext2_mount *em, uint32_t i);
/* Writes descriptor g (checksummed) to its descriptor block through tp. */
int ext2_gd_write(struct ext2_trans *tp, struct ext2_mount *em, uint32_t g);
/* Bitmap checksums into descriptor g (call before ext2_gd_write). */
void ext2_gd_set_block_bitmap_csum(struct ext2_mount *em, struct ext2_gd *gd,
				   const void *bitmap);
void ext2_gd_set_inode_bitmap_csum(struct ext2_mount *em, struct ext2_gd *gd,
				   const void *bitmap);
bool ext2_gd_block_bitmap_csum_ok(struct ext2_mount *em,
				  const struct ext2_gd *gd, const void *bitmap);
bool ext2_gd_inode_bitmap_csum_ok(struct ext2_mount *em,
				  const struct ext2_gd *gd, const void *bitmap);
/* Whether group g holds a superblock backup (sparse_super rules). */
bool ext2_group_has_super(const struct ext2_mount *em, uint32_t g);
uint64_t ext2_group_first_block(const struct ext2_mount *em, uint32_t g);
/* Blocks in group g (the last may be short). */
uint32_t ext2_group_nblocks(const struct ext2_mount *em, uint32_t g);
/* Reports a corrupted structure on the console and returns EIO. */
int ext2_corrupt(struct ext2_mount *em, const char *what, uint64_t where);
/*
 * b_verified tags (sys/buf.h) of metadata blocks that passed their checks
 * (checksum and structure): the kind, a detail (extent depth, tree level)
 * and the inode they were reached through, so that a block reached again
 * the same way is not checked again, and one shared by another inode or
 * read as another kind (a damaged image) is.
 */
enum ext2_vkind {
	EXT2_VK_DIRLEAF = 1,
	EXT2_VK_EXTENT,
	EXT2_VK_DXNODE,
};
#define EXT2_VTAG(kind, detail, ino)                                           \
	((uint64_t)(kind) << 48 | (uint64_t)((detail)&0xffff) << 32 |          \
	 (uint32_t)(ino))

/* ---- Inodes (ext2_inode.c) ---- */
/* The referenced vnode of inode ino (unlocked); ESTALE/EIO if bad. */
int ext2_iget(struct ext2_mount *em, uint32_t ino, struct vnode **vpp);
/* Writes ip's in-core inode (size, flags, checksum) back through tp. */
int ext2_iupdate(struct ext2_trans *tp, struct ext2_inode *ip);
/*
 * Only the deletion time (the orphan chain's link) of an inode whose vnode
 * another thread may hold: the in-core field under i_lock and that field
 * of the on-disk copy, so the owner's unsaved changes are neither read
 * nor written here.
 */
int ext2_iupdate_dtime(struct ext2_trans *tp, struct ext2_inode *ip,
		       uint32_t dtime);
/* ---- Checksums (ext2_csum.c; no-ops without metadata_csum) ---- */
/* Inode checksum of a raw inode (em_inode_size bytes) numbered ino. */
uint32_t ext2_inode_csum(const struct ext2_mount *em, uint32_t ino,
			 const void *raw);
bool ext2_inode_csum_ok(const struct ext2_mount *em, uint32_t ino,
			const void *raw);
void ext2_inode_csum_set(const struct ext2_mount *em, uint32_t ino, void *raw);
/* Per-inode seed for directory, extent and xattr-in-inode checksums. */
uint32_t ext2_inode_seed(const struct ext2_mount *em, uint32_t ino,
			 uint32_t generation);
/* Extent tree block tail (after eh_max entries), seeded by the inode. */
bool ext2_extent_csum_ok(const struct ext2_inode *ip, void *block);
void ext2_extent_csum_set(const struct ext2_inode *ip, void *block);
/* Extended attribute block checksum (h_checksum) of block pblk. */
uint32_t ext2_xattr_block_csum(const struct ext2_mount *em, uint64_t pblk,
			       const void *block);
/* Stamps times: EXT2_IACC, EXT2_IMOD (mtime), EXT2_ICHG (ctime). */
#define EXT2_IACC 0x1
#define EXT2_IMOD 0x2
#define EXT2_ICHG 0x4
#define EXT2_ICRT 0x8 /* creation time (extra field) */
void ext2_itimes(struct ext2_inode *ip, int which);
void ext2_inode_get_time(const struct ext2_inode *ip, int which,
			 struct timespec *ts);
void ext2_inode_set_time(struct ext2_inode *ip, int which,
			 const struct timespec *ts);
uid_t ext2_inode_uid(const struct ext2_inode *ip);
gid_t ext2_inode_gid(const struct ext2_inode *ip);
void ext2_inode_set_uid(struct ext2_inode *ip, uid_t uid);
void ext2_inode_set_gid(struct ext2_inode *ip, gid_t gid);
/* i_blocks in 512-byte units, and adding/removing fs blocks. */
uint64_t ext2_inode_nblocks512(const struct ext2_inode *ip);
void ext2_inode_add_blocks(struct ext2_inode *ip, int64_t fsblocks);
uint64_t ext2_inode_file_acl(const struct ext2_inode *ip);
void ext2_inode_set_file_acl(struct ext2_inode *ip, uint64_t blk);
enum vtype ext2_mode_to_vtype(uint16_t mode);
/* Device number of a device node (Linux dev_t encoding), and setting it. */
dev_t ext2_inode_rdev(const struct ext2_inode *ip);
void ext2_inode_set_rdev(struct ext2_inode *ip, dev_t rdev);
/* vfs_loadvnode; reloading a cached vnode's inode (reused number). */
int ext2_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key);
int ext2_inode_reload(struct ext2_inode *ip);
void ext2_inode_destroy(struct ext2_inode *ip);
/* A whole new on-disk inode ino = *di (ext2_ialloc). */
int ext2_inode_write_raw(struct ext2_trans *tp, struct ext2_mount *em,
			 uint32_t ino, const struct ext2_dinode *di);
/* Orphan list: a file whose last link went while it is open. */
int ext2_orphan_add(struct ext2_trans *tp, struct ext2_inode *ip);
int ext2_orphan_del(struct ext2_trans *tp, struct ext2_inode *ip);
int ext2_orphan_process(struct ext2_mount *em);

/* ---- Inode and block allocation (ext2_alloc.c) ---- */
/*
 * A new inode of type and permissions mode near directory dip: on-disk
 * inode initialised (links 0, times now, owner 0, extents flag as the
 * file system wants), written through tp; returned with its vnode
 * referenced and unlocked.  ENOSPC when no inode is free.
 */
int ext2_ialloc(struct ext2_trans *tp, struct ext2_inode *dip, uint16_t mode,
		struct ext2_inode **ipp);
/* Gives inode number ino back (em_lock held). */
int ext2_inumber_free(struct ext2_trans *tp, struct ext2_mount *em,
		      uint32_t ino, bool dir);
/* An empty extent root in di->i_block, and EXT4_EXTENTS_FL. */
void ext2_inode_init_extents(struct ext2_dinode *di);
/* Frees inode ip's number (its blocks must be gone: ext2_truncate). */
int ext2_ifree(struct ext2_trans *tp, struct ext2_inode *ip);
/* One block for ip near goal (0: anywhere sensible); ENOSPC. */
int ext2_blkalloc(struct ext2_trans *tp, struct ext2_inode *ip, uint64_t goal,
		  uint64_t *pblkp);
/* Up to *countp contiguous blocks starting near goal (at least 1). */
int ext2_blkalloc_n(struct ext2_trans *tp, struct ext2_inode *ip, uint64_t goal,
		    uint32_t *countp, uint64_t *pblkp);
/* Frees count blocks from pblk; metadata is true for tree blocks. */
int ext2_blkfree(struct ext2_trans *tp, uint64_t pblk, uint32_t count,
		 bool metadata);

/* ---- File blocks (ext2_bmap.c, ext2_extent*.c) ---- */
/* Physical block of logical block lblk of ip, 0 for a hole. */
int ext2_bmap(struct ext2_inode *ip, uint64_t lblk, uint64_t *pblk);
/*
 * Block lblk of a file or directory, busy for the caller (brelse, or
 * ext2_trans_dirty for directory blocks).  With alloc, a hole gets a new
 * zeroed block through tp (tp may be NULL without alloc); without, a
 * hole is ENOENT.
 */
int ext2_bread_file(struct ext2_trans *tp, struct ext2_inode *ip, uint64_t lblk,
		    bool alloc, struct buf **bpp);
/*
 * Sets the size to newsize, freeing blocks beyond it (zeroing the tail
 * of the last block) or just extending.  Runs its own transactions: call
 * it outside one.
 */
int ext2_truncate(struct ext2_inode *ip, uint64_t newsize);
/* ext2_bmap.c: block maps; ext2_extent.c: extent trees.  *newp: the
 * block was just allocated (its contents are garbage until written). */
int ext2_ind_bmap(struct ext2_inode *ip, uint64_t lblk, uint64_t *pblk);
int ext2_ind_alloc(struct ext2_trans *tp, struct ext2_inode *ip, uint64_t lblk,
		   uint64_t goal, uint64_t *pblk, bool *newp);
int ext2_ind_truncate(struct ext2_trans *tp, struct ext2_inode *ip,
		      uint64_t first);
/* *runp: mapped blocks from lblk on in this extent; unwritten reads 0s. */
int ext2_ext_bmap(struct ext2_inode *ip, uint64_t lblk, uint64_t *pblk,
		  uint32_t *runp, bool *unwrittenp);
int ext2_ext_alloc(struct ext2_trans *tp, struct ext2_inode *ip, uint64_t lblk,
		   uint64_t goal, uint64_t *pblk, bool *newp);
int ext2_ext_truncate(struct ext2_trans *tp, struct ext2_inode *ip,
		      uint64_t first);
/* A symbolic link whose target lives in i_block (no data block). */
bool ext2_is_fast_symlink(const struct ext2_inode *ip);
/* Largest file size the inode's mapping allows. */
uint64_t ext2_maxfilesize(const struct ext2_mount *em, bool extents);

/* ---- Transactions (ext2_trans.c; jbd2 fills in the journaled path) ---- */
struct ext2_trans {
	struct ext2_mount *t_em;
	int t_credits;		      /* blocks it may dirty */
	struct jbd2_handle *t_handle; /* NULL without a journal */
};
/* A transaction of at most credits metadata blocks; ENOMEM, EROFS. */
int ext2_trans_begin(struct ext2_mount *em, int credits,
		     struct ext2_trans **tp);
/* bp (B_BUSY, changed, checksummed) is part of tp; the caller's hold on
 * bp ends here, as with bdwrite. */
void ext2_trans_dirty(struct ext2_trans *tp, struct buf *bp);
/* pblk, a freed metadata block, must not be replayed from the journal. */
void ext2_trans_revoke(struct ext2_trans *tp, uint64_t pblk);
/* Ends tp (with a journal: commits per the journal's policy). */
int ext2_trans_end(struct ext2_trans *tp);
/* Everything written before is on stable storage (fsync, sync). */
int ext2_trans_sync(struct ext2_mount *em);
/* Reads fs block pblk of the device (bread through em_devvp). */
int ext2_bread(struct ext2_mount *em, uint64_t pblk, struct buf **bpp);
/* The same for a block-map block (extent node, indirect block): without
 * read-ahead, so that the device's sequential-read detection keeps
 * following the file data read around it. */
int ext2_bread_map(struct ext2_mount *em, uint64_t pblk, struct buf **bpp);
/* A zeroed buffer for fs block pblk, without reading it. */
int ext2_getblk(struct ext2_mount *em, uint64_t pblk, struct buf **bpp);

/* ---- Directory and link operations (branch ext2dir) ---- */
int ext2_vop_lookup(struct vnode *dvp, const struct componentname *cnp,
		    struct vnode **vpp);
int ext2_vop_create(struct vnode *dvp, const struct componentname *cnp,
		    const struct vattr *va, struct vnode **vpp);
int ext2_vop_mkdir(struct vnode *dvp, const struct componentname *cnp,
		   const struct vattr *va, struct vnode **vpp);
int ext2_vop_symlink(struct vnode *dvp, const struct componentname *cnp,
		     const struct vattr *va, const char *target,
		     struct vnode **vpp);
int ext2_vop_remove(struct vnode *dvp, struct vnode *vp,
		    const struct componentname *cnp);
int ext2_vop_rmdir(struct vnode *dvp, struct vnode *vp,
		   const struct componentname *cnp);
int ext2_vop_link(struct vnode *dvp, struct vnode *vp,
		  const struct componentname *cnp);
int ext2_vop_rename(struct vnode *fdvp, struct vnode *fvp,
		    const struct componentname *fcnp, struct vnode *tdvp,
		    struct vnode *tvp, const struct componentname *tcnp);
int ext2_vop_readdir(struct vnode *vp, struct uio *uio, bool *eofp);
int ext2_vop_readlink(struct vnode *vp, struct uio *uio);
/* The first block of new directory dp: ".", ".." = parent_ino. */
int ext2_dir_init(struct ext2_trans *tp, struct ext2_inode *dp,
		  uint32_t parent_ino);
/* *emptyp: dp holds only "." and "..". */
int ext2_dir_isempty(struct ext2_inode *dp, bool *emptyp);

/* ---- File operations (ext2_vnops.c, ext2_rw.c) ---- */
extern const struct vnodeops ext2_vnodeops;
int ext2_vop_getattr(struct vnode *vp, struct vattr *va);
int ext2_vop_setattr(struct vnode *vp, const struct vattr *va);
int ext2_vop_read(struct vnode *vp, struct uio *uio, int ioflag);
int ext2_vop_write(struct vnode *vp, struct uio *uio, int ioflag);
int ext2_vop_fsync(struct vnode *vp, int flags);
int ext2_vop_fallocate(struct vnode *vp, off_t off, off_t len);
int ext2_vop_seekdata(struct vnode *vp, off_t off, int whence, off_t *resultp);
void ext2_vop_inactive(struct vnode *vp);
void ext2_vop_reclaim(struct vnode *vp);

/* ---- Journal (branch jbd2, kern/fs/ext2fs/jbd2) ---- */
/*
 * Opens the journal of em (inode s_journal_inum), replays it if the
 * superblock says it needs recovery (EXT3_FEATURE_INCOMPAT_RECOVER), and
 * sets em->em_journal; on a read-only mount it replays only if the device
 * is writable.  ext2_journal_close flushes and frees it at unmount (the
 * first write error returned; it is freed either way).
 */
int ext2_journal_open(struct ext2_mount *em);
int ext2_journal_close(struct ext2_mount *em);
#endif
