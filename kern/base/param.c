/*
 * param.c -- boot parameters.  Each is read once at boot through
 * rumpuser_getparam(); an unset parameter takes its default, a malformed
 * one fails the boot with EINVAL and a message naming the parameter and
 * the value, so RUMP_NCPU=abc never silently means something else.
 */
#include <rump/rumpuser.h>
#include <sys/param.h>
#include <sys/systm.h>

#define NCPU_MAX 64
struct boot_params boot_params;

int param_parse_size(const char *s, uint64_t *valp)
{
	char num[32];
	size_t len = strlen(s);
	uint64_t v, mult = 1;
	int error;

	if (len == 0 || len >= sizeof(num))
		return EINVAL;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'k':
	case 'K':
		mult = 1ULL << 10;
		break;
	case 'm':
	case 'M':
		mult = 1ULL << 20;
		break;
	case 'g':
	case 'G':
		mult = 1ULL << 30;
		break;
	default:
		break;
	}
	if (mult != 1)
		num[len - 1] = '\0';
	if ((error = kstrtou64(num, &v)) != 0)
		return error;
	if (v > UINT64_MAX / mult)
		return ERANGE;
	*valp = v * mult;
	return 0;
}

/* 0 with buf filled, ENOENT when unset, or a boot-failing error. */
static int param_get(const char *name, char *buf, size_t len)
{
	int error = rumpuser_getparam(name, buf, len);

	if (error == E2BIG)
		printf("rump kernel: parameter %s is too long\n", name);
	return error;
}

static int param_bad(const char *name, const char *value, const char *want)
{
	printf("rump kernel: bad %s=\"%s\": %s\n", name, value, want);
	return EINVAL;
}

int param_read_all(struct boot_params *bp)
{
	char buf[64];
	uint64_t v;
	int error;

	memset(bp, 0, sizeof(*bp));
	strlcpy(bp->hostname, "rump", sizeof(bp->hostname));

	if ((error = param_get(RUMPUSER_PARAM_NCPU, buf, sizeof(buf))) == 0) {
		if (kstrtou64(buf, &v) != 0 || v == 0 || v > NCPU_MAX)
			return param_bad(RUMPUSER_PARAM_NCPU, buf,
					 "want a number of CPUs from 1 to 64");
		bp->ncpu = (int)v;
	} else if (error != ENOENT)
		return error;

	if ((error = param_get(RUMPUSER_PARAM_MEMLIMIT, buf, sizeof(buf))) ==
	    0) {
		if (param_parse_size(buf, &v) != 0 || v < 65536)
			return param_bad(RUMPUSER_PARAM_MEMLIMIT, buf,
					 "want a size of at least 64k, "
					 "with an optional k, m or g suffix");
		bp->memlimit = v;
	} else if (error != ENOENT)
		return error;

	if ((error = param_get(RUMPUSER_PARAM_VERBOSE, buf, sizeof(buf))) ==
	    0) {
		if (kstrtou64(buf, &v) != 0)
			return param_bad(RUMPUSER_PARAM_VERBOSE, buf,
					 "want a number");
		bp->verbose = v > 0;
	} else if (error != ENOENT)
		return error;

	if ((error = param_get(RUMPUSER_PARAM_LEAKCHECK, buf, sizeof(buf))) ==
	    0) {
		if (kstrtou64(buf, &v) != 0)
			return param_bad(RUMPUSER_PARAM_LEAKCHECK, buf,
					 "want 0 or 1");
		bp->leakcheck = v > 0;
	} else if (error != ENOENT)
		return error;

	error = param_get(RUMPUSER_PARAM_HOSTNAME, bp->hostname,
			  sizeof(bp->hostname));
	if (error == ENOENT)
		strlcpy(bp->hostname, "rump", sizeof(bp->hostname));
	else if (error != 0)
		return error;
	return 0;
}
