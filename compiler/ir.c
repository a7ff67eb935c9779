/* ir.c - constructors, evaluation and release of the IR. */
#include "ir.h"
#include "names.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

bool ir_action_equal(struct ir_action a, struct ir_action b)
{
	if (a.kind != b.kind)
		return false;
	return a.kind != IR_ACTION_ERRNO || a.errno_value == b.errno_value;
}

const char *ir_action_describe(struct ir_action a, char *buf, size_t size)
{
	switch (a.kind) {
	case IR_ACTION_ALLOW:
		snprintf(buf, size, "allow");
		break;
	case IR_ACTION_KILL:
		snprintf(buf, size, "kill");
		break;
	case IR_ACTION_TRAP:
		snprintf(buf, size, "trap");
		break;
	case IR_ACTION_LOG:
		snprintf(buf, size, "log");
		break;
	case IR_ACTION_ERRNO: {
		const char *name = names_errno_name(a.errno_value);
		if (name)
			snprintf(buf, size, "errno %s", name);
		else
			snprintf(buf, size, "errno %u", a.errno_value);
		break;
	}
	}
	return buf;
}

struct ir_cond *ir_cond_cmp(unsigned arg, unsigned width, enum ir_cmp_op op, uint64_t mask,
                            uint64_t value, struct src_loc loc)
{
	struct ir_cond *c = xcalloc(1, sizeof(*c));
	c->kind = IR_COND_CMP;
	c->arg = arg;
	c->width = width;
	c->op = op;
	c->mask = mask;
	c->value = value;
	c->loc = loc;
	return c;
}

struct ir_cond *ir_cond_binary(enum ir_cond_kind kind, struct ir_cond *lhs, struct ir_cond *rhs,
                               struct src_loc loc)
{
	struct ir_cond *c = xcalloc(1, sizeof(*c));
	c->kind = kind;
	c->lhs = lhs;
	c->rhs = rhs;
	c->loc = loc;
	return c;
}

struct ir_cond *ir_cond_not(struct ir_cond *inner, struct src_loc loc)
{
	return ir_cond_binary(IR_COND_NOT, inner, NULL, loc);
}

struct ir_cond *ir_cond_clone(const struct ir_cond *c)
{
	if (!c)
		return NULL;
	struct ir_cond *copy = xmalloc(sizeof(*copy));
	*copy = *c;
	copy->lhs = ir_cond_clone(c->lhs);
	copy->rhs = ir_cond_clone(c->rhs);
	return copy;
}

void ir_cond_free(struct ir_cond *c)
{
	if (!c)
		return;
	ir_cond_free(c->lhs);
	ir_cond_free(c->rhs);
	free(c);
}

static uint64_t width_mask(unsigned width)
{
	return width >= 64 ? UINT64_MAX : (((uint64_t)1 << width) - 1);
}

bool ir_cond_eval(const struct ir_cond *c, const uint64_t args[6])
{
	switch (c->kind) {
	case IR_COND_AND:
		return ir_cond_eval(c->lhs, args) && ir_cond_eval(c->rhs, args);
	case IR_COND_OR:
		return ir_cond_eval(c->lhs, args) || ir_cond_eval(c->rhs, args);
	case IR_COND_NOT:
		return !ir_cond_eval(c->lhs, args);
	case IR_COND_CMP:
		break;
	}
	uint64_t wm = width_mask(c->width);
	uint64_t x = args[c->arg] & c->mask & wm;
	uint64_t v = c->value & wm;
	switch (c->op) {
	case IR_CMP_EQ:
		return x == v;
	case IR_CMP_NE:
		return x != v;
	case IR_CMP_LT:
		return x < v;
	case IR_CMP_LE:
		return x <= v;
	case IR_CMP_GT:
		return x > v;
	case IR_CMP_GE:
		return x >= v;
	}
	return false;
}

#define IR_APPEND(arr, n, item)                                                                    \
	do {                                                                                       \
		(arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr)));                               \
		(arr)[(n)++] = (item);                                                             \
	} while (0)

void ir_add_rule(struct ir_policy *p, struct ir_rule rule)
{
	IR_APPEND(p->syscalls.rules, p->syscalls.n_rules, rule);
}

void ir_add_fs_op(struct ir_policy *p, struct ir_fs_op op)
{
	IR_APPEND(p->fs.ops, p->fs.n_ops, op);
}

void ir_add_env_op(struct ir_policy *p, struct ir_env_op op)
{
	IR_APPEND(p->env.ops, p->env.n_ops, op);
}

void ir_add_param(struct ir_policy *p, struct ir_param param)
{
	IR_APPEND(p->params, p->n_params, param);
}

void ir_add_test(struct ir_policy *p, struct ir_test test)
{
	IR_APPEND(p->tests, p->n_tests, test);
}

void ir_add_suppression(struct ir_policy *p, struct ir_suppression s)
{
	IR_APPEND(p->suppressions, p->n_suppressions, s);
}

const char *ir_limit_name(enum ir_limit_kind kind)
{
	static const char *const names[IR_LIMIT_COUNT] = {
	    [IR_LIMIT_MEMORY] = "memory", [IR_LIMIT_PIDS] = "pids",     [IR_LIMIT_CPU] = "cpu",
	    [IR_LIMIT_TIME] = "time",     [IR_LIMIT_NOFILE] = "nofile", [IR_LIMIT_FSIZE] = "fsize",
	};
	return (size_t)kind < IR_LIMIT_COUNT ? names[kind] : "?";
}

const struct ir_limit *ir_limits_get(const struct ir_limits *l, enum ir_limit_kind kind)
{
	switch (kind) {
	case IR_LIMIT_MEMORY:
		return &l->memory_bytes;
	case IR_LIMIT_PIDS:
		return &l->pids;
	case IR_LIMIT_CPU:
		return &l->cpu_millicores;
	case IR_LIMIT_TIME:
		return &l->time_ms;
	case IR_LIMIT_NOFILE:
		return &l->nofile;
	case IR_LIMIT_FSIZE:
		return &l->fsize_bytes;
	}
	return &l->memory_bytes;
}

const char *ir_fs_fact_name(enum ir_fs_fact fact)
{
	static const char *const names[] = {
	    [IR_FS_HIDDEN] = "hidden",
	    [IR_FS_VISIBLE] = "visible",
	    [IR_FS_READONLY] = "readonly",
	    [IR_FS_WRITABLE] = "writable",
	};
	return (size_t)fact < ARRAY_SIZE(names) ? names[fact] : "?";
}

void ir_policy_free(struct ir_policy *p)
{
	if (!p)
		return;
	free(p->name);
	for (size_t i = 0; i < p->n_lineage; i++) {
		free(p->lineage[i]);
		if (!p->ancestors)
			continue;
		for (size_t j = 0; j < p->ancestors[i].n_bases; j++)
			free(p->ancestors[i].bases[j]);
		free(p->ancestors[i].bases);
	}
	free(p->lineage);
	free(p->ancestors);
	for (size_t i = 0; i < p->n_arches; i++)
		free(p->arches[i].name);
	free(p->arches);
	for (size_t i = 0; i < p->syscalls.n_rules; i++) {
		struct ir_rule *r = &p->syscalls.rules[i];
		free(r->syscall);
		ir_cond_free(r->cond);
		free(r->group);
		free(r->policy);
		free(r->reason);
	}
	free(p->syscalls.rules);
	for (size_t i = 0; i < p->fs.n_ops; i++) {
		struct ir_fs_op *op = &p->fs.ops[i];
		free(op->src);
		free(op->dst);
		free(op->data);
		free(op->policy);
	}
	free(p->fs.ops);
	free(p->fs.cwd);
	for (size_t i = 0; i < p->env.n_ops; i++) {
		free(p->env.ops[i].name);
		free(p->env.ops[i].value);
	}
	free(p->env.ops);
	free(p->process.hostname);
	for (size_t i = 0; i < p->n_params; i++) {
		free(p->params[i].name);
		free(p->params[i].within);
	}
	free(p->params);
	for (size_t i = 0; i < p->n_tests; i++) {
		free(p->tests[i].syscall);
		free(p->tests[i].path);
	}
	free(p->tests);
	free(p->description);
	free(p->bwrap_required);
	for (size_t i = 0; i < p->n_suppressions; i++) {
		free(p->suppressions[i].id);
		free(p->suppressions[i].reason);
		free(p->suppressions[i].policy);
	}
	free(p->suppressions);
	free(p);
}
