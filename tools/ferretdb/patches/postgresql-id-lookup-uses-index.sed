# FerretDB v1.24.2 on PostgreSQL creates the _id index on  _jsonb->'_id'  (a btree) but
# pushes {_id: <value>} down as  _jsonb->$1 @> $2 : containment, with the key a parameter,
# which no btree index serves, so every {_id: ...} find (and the find inside each update and
# delete) read the whole table. For a string or ObjectId _id (never an array in MongoDB,
# where containment and equality agree): equality on the indexed expression.
/^func filterEqual(p \*metadata.Placeholder, k any, v any, operator string) (filter string, args \[\]any) {$/a\
	if k == "_id" && operator == "->" {\
		switch v.(type) {\
		case string, types.ObjectID:\
			return fmt.Sprintf(`%s = %s`, metadata.IDColumn, p.Next()), []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}\
		}\
	}
