# JSON helpers for POSIX sh (busybox in the test VM has no jq):
#   json_str TEXT            TEXT as a JSON string, quotes included
#   json_kv_lines            stdin "key value" lines -> one JSON object
#   json_compact FILE        a (pretty-printed) JSON document on one line
# Values that are not plain decimal numbers become strings, so a reader
# never sees a malformed number.

json_str() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g; s/	/\\t/g' | tr '\n' ' ')"
}

json_kv_lines() {
	awk 'BEGIN { printf "{"; sep = "" }
	NF >= 2 {
		v = $2
		for (i = 3; i <= NF; i++) v = v " " $i
		gsub(/\\/, "\\\\", v); gsub(/"/, "\\\"", v)
		if (v !~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) v = "\"" v "\""
		printf "%s\"%s\":%s", sep, $1, v; sep = ","
	}
	END { print "}" }'
}

# Strings in our tools' JSON never hold raw newlines, so joining lines is
# safe; leading indentation is dropped.
json_compact() {
	sed 's/^[ 	]*//' "$1" | tr -d '\n'
}
