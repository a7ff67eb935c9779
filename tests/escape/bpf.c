/* bpf - loading eBPF: the verifier and JIT are a large attack surface
 * (CVE-2021-3490, CVE-2022-23222). A one-entry map and a socket filter
 * that returns 0, attached to nothing. */
#include "escape.h"

#include <linux/bpf.h>

int main(void)
{
	escape_start("bpf");
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	long rc = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	escape_call("bpf(MAP_CREATE)", rc, errno, REFUSED);

	struct bpf_insn prog[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)prog;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	rc = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	escape_call("bpf(PROG_LOAD)", rc, errno, REFUSED);
	return escape_finish();
}
