# METADATA
# title: Shared vocabulary of the data set policies
# description: Where a data set's fields live in the replication rules and how a data set is named in messages.
package multiregion.lib.data

import data.multiregion.lib

field_location(index, field) := lib.location(lib.replication_file, sprintf("dataSets[%d].%s", [index, field]))

# Store and mode decide which failure modes apply, so messages show them beside the name.
label(data_set) := sprintf("%s (%s, %s)", [data_set.name, data_set.store, data_set.mode])
