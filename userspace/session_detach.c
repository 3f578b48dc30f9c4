// SPDX-License-Identifier: GPL-2.0-only
/*
 * Detaching a session's links all at once. A link's release waits for the
 * kernel's grace periods (a kprobe's unregister, an fentry trampoline's
 * update), and one after the other kprobe mode's six links took 540 to
 * 930 ms of a stop in the bench VM, against the second a stop may take
 * (issue 13). Released from threads of their own, their waits overlap:
 * 475 to 558 ms before, 317 to 395 after, in one boot.
 */
#include <pthread.h>
#include <bpf/libbpf.h>

#include "session_int.h"

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/* Every attached link of @s, destroyed concurrently; the skeleton keeps none. */
void iag_session_detach(struct iag_session *s)
{
	struct bpf_object_skeleton *sk = s->skel->skeleton;
	pthread_t tid[sk->prog_cnt];
	bool started[sk->prog_cnt];
	int i;

	for (i = 0; i < sk->prog_cnt; i++) {
		struct bpf_link **link = sk->progs[i].link;

		started[i] = false;
		if (!*link)
			continue;
		/* Without a thread, the link goes here, as it did before. */
		if (pthread_create(&tid[i], NULL, destroy_link, *link))
			bpf_link__destroy(*link);
		else
			started[i] = true;
		*link = NULL;
	}
	for (i = 0; i < sk->prog_cnt; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
}
