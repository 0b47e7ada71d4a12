# On gcc -S -dA output: the first DW_AT_type reference to a union, made by
# a member of another union, is pointed at that containing union itself.
# Exits 1 when there is none (a compiler that lays the DWARF out otherwise).
/\(DIE \(0x[0-9a-f]+\) DW_TAG_(structure|union)_type\)/ {
	match($0, /0x[0-9a-f]+\) DW_TAG/)
	agg = substr($0, RSTART, RLENGTH - 8)
	agg_is_union = $0 ~ /DW_TAG_union_type/
}
/\(DIE \(0x[0-9a-f]+\) DW_TAG_union_type\)/ { unions[agg] = 1 }
/\.long[ \t]+0x[0-9a-f]+[ \t]+# DW_AT_type/ && agg_is_union && unions[$2] && !done {
	sub(/0x[0-9a-f]+/, agg)
	done = 1
}
{ print }
END { if (!done) exit 1 }
