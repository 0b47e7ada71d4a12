// SPDX-License-Identifier: GPL-2.0
/*
 * A struct with an anonymous union that holds an anonymous union: built
 * with -S -dA, self_union.awk then points the inner member's type at the
 * outer union, so that the union contains itself.
 */
struct self_union {
	int x;
	union {
		int a;
		union {
			int c;
		};
	};
};

struct self_union self_union_instance;

int main(void)
{
	return self_union_instance.x;
}
