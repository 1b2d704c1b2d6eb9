/* stdbool.h -- booleans for the freestanding kernel. */
#ifndef RUMPKERN_STDBOOL_H_
#define RUMPKERN_STDBOOL_H_
#define bool _Bool
#define true 1
#define false 0
#endif
