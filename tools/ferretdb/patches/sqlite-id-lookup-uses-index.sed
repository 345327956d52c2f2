# FerretDB v1.24.2 on SQLite creates the _id index on  _ferretdb_sjson->"_id"  but filters
# on  _ferretdb_sjson->'$._id' : SQLite matches index expressions by their text, so every
# {_id: ...} find, update and delete scanned the whole table. Same value, indexed spelling.
s|IDColumn = DefaultColumn + "->'\$._id'"|IDColumn = DefaultColumn + `->"_id"`|
