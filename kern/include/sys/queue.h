/*
 * sys/queue.h -- intrusive doubly linked lists with a head, the one list
 * type the kernel uses.  An entry is embedded in the object; list_entry()
 * gets back to the object.
 */
#ifndef RUMPKERN_SYS_QUEUE_H_
#define RUMPKERN_SYS_QUEUE_H_
#include <sys/systm.h>

struct list_node {
	struct list_node *next, *prev;
};
/* A head is a node pointing at itself when empty. */
struct list_head {
	struct list_node n;
};

#define LIST_HEAD_INIT(h)                                                      \
	{                                                                      \
		{                                                              \
			&(h).n, &(h).n                                         \
		}                                                              \
	}
static inline void list_init(struct list_head *h)
{
	h->n.next = h->n.prev = &h->n;
}
static inline bool list_empty(const struct list_head *h)
{
	return h->n.next == &h->n;
}
static inline void list_insert_after_(struct list_node *pos,
				      struct list_node *e)
{
	e->next = pos->next;
	e->prev = pos;
	pos->next->prev = e;
	pos->next = e;
}
static inline void list_push_back(struct list_head *h, struct list_node *e)
{
	list_insert_after_(h->n.prev, e);
}
static inline void list_push_front(struct list_head *h, struct list_node *e)
{
	list_insert_after_(&h->n, e);
}
static inline void list_remove(struct list_node *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->next = e->prev = NULL;
}
static inline struct list_node *list_first(const struct list_head *h)
{
	return list_empty(h) ? NULL : h->n.next;
}
#define list_entry(node, type, member) container_of(node, type, member)
#define list_foreach(it, head)                                                 \
	for (struct list_node *it = (head)->n.next; it != &(head)->n;          \
	     it = it->next)
/* Safe against removal of the current node. */
#define list_foreach_safe(it, head)                                            \
	for (struct list_node *it = (head)->n.next, *it##_next_ = it->next;    \
	     it != &(head)->n; it = it##_next_, it##_next_ = it->next)
#endif
