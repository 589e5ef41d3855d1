# METADATA
# title: Terraform vocabulary of the infrastructure policies
# description: Resources and data sources of the generated stacks, references between them, nested blocks and IAM policy statements.
package multiregion.lib.terraform

import data.multiregion.lib

# Every resource of a type across the stacks, with the address a person would look for and the
# dotted path a finding points at. A list, not a set: each (stack, type, name) occurs once anyway, and
# building a set hashes every configuration, which was a third of an evaluation.
resources(type) := [resource |
	some stack, generated in input.terraform
	some name, config in generated.config.resource[type]
	resource := {
		"stack": stack,
		"file": generated.file,
		"type": type,
		"name": name,
		"address": sprintf("%s.%s", [type, name]),
		"path": sprintf("resource.%s.%s", [type, name]),
		"config": config,
	}
]

data_sources(type) := [source |
	some stack, generated in input.terraform
	some name, config in generated.config.data[type]
	source := {
		"stack": stack,
		"file": generated.file,
		"type": type,
		"name": name,
		"address": sprintf("data.%s.%s", [type, name]),
		"path": sprintf("data.%s.%s", [type, name]),
		"config": config,
	}
]

location(resource) := lib.location(resource.file, resource.path)

attribute_location(resource, attribute) := lib.location(resource.file, sprintf("%s.%s", [resource.path, attribute]))

# Terraform names are letters, digits, underscores and dashes, so they need no escaping in a
# pattern. The character before the type may not be a dot or a name character, so
# "data.aws_s3_bucket.x" and "module.m.aws_s3_bucket.x" are not taken for "aws_s3_bucket.x", and the
# character after the name may not be a name character, so "x" does not match "x_logs".
# The type may carry a "data." prefix, whose dot is escaped like the one before the name.
reference_pattern(type, name) := sprintf(`(^|[^A-Za-z0-9_.-])%s\.%s([^A-Za-z0-9_-]|$)`, [replace(type, ".", `\.`), name])

# Whether anything inside value is an interpolation naming the resource type.name.
references(value, type, name) if {
	walk(value, [_, text])
	is_string(text)
	contains(text, "${")
	regex.match(reference_pattern(type, name), text)
}

references_data(value, type, name) if references(value, sprintf("data.%s", [type]), name)

# Resources of a type in the target's stack that name the target anywhere in their configuration.
# References cannot cross stacks: each stack is its own Terraform state.
referencing(target, type) := {resource |
	some resource in resources(type)
	resource.stack == target.stack
	references(resource.config, target.type, target.name)
}

# Resources of a type in the target's stack whose one attribute names the target. A bucket policy
# that mentions another bucket's ARN in its statements is not that bucket's policy.
referencing_by(target, type, attribute) := {resource |
	some resource in resources(type)
	resource.stack == target.stack
	references(object.get(resource.config, attribute, null), target.type, target.name)
}

# The S3 resources that configure a bucket (encryption, public access block, policy, ACL) name it
# in their `bucket` attribute, by reference or by its literal name.
bucket_attachments(bucket, type) := referencing_by(bucket, type, "bucket") | {resource |
	some resource in resources(type)
	resource.stack == bucket.stack
	is_string(bucket.config.bucket)
	not contains(bucket.config.bucket, "${")
	resource.config.bucket == bucket.config.bucket
}

# Data sources of a type in a stack that a value refers to, e.g. the aws_iam_policy_document behind
# "${data.aws_iam_policy_document.x.json}".
referenced_data_sources(value, stack, type) := {source |
	some source in data_sources(type)
	source.stack == stack
	references_data(value, type, source.name)
}

# cdktf emits a nested block as an object or as a list of objects; both mean the same.
blocks(value) := [value] if is_object(value)

else := [block | some block in value; is_object(block)] if is_array(value)

else := []

# IAM and Terraform take a single value or a list in many places.
as_list(value) := value if is_array(value)

else := [] if is_null(value)

else := [value]

# The values found under a chain of attribute names, looking through blocks whether they are
# objects or lists, e.g. values_at(config, ["encryption_info", "encryption_at_rest_kms_key_arn"]).
# Lists of plain values give their elements.
values_at(config, keys) := {value |
	walk(config, [path, value])
	not is_array(value)
	[key | some key in path; is_string(key)] == keys
}

# Terraform coerces "true" to true for a boolean attribute, and some attributes of the provider are
# strings that hold booleans (e.g. at_rest_encryption_enabled).
is_true(value) if value == true

is_true(value) if {
	is_string(value)
	lower(trim_space(value)) == "true"
}

is_false(value) if value == false

is_false(value) if {
	is_string(value)
	lower(trim_space(value)) == "false"
}

# A value is set when it is a non-empty string (a literal or an interpolation) or any other
# non-null value.
present(value) if {
	is_string(value)
	trim_space(value) != ""
}

present(value) if {
	not is_string(value)
	not is_null(value)
}

# A number, or a string Terraform would convert to one; undefined for an unresolved interpolation.
number(value) := value if is_number(value)

else := to_number(trim_space(value)) if {
	is_string(value)
	regex.match(`^-?[0-9]+(\.[0-9]+)?$`, trim_space(value))
}

# How a value reads in a message: JSON, or "not set" when Terraform would treat it as absent. Strings
# are quoted by hand: Go's json.marshal escapes &, < and >, the wasm SDK's does not, and messages
# must read the same in `opa test` and in the bundle.
describe(value) := "not set" if is_null(value)

else := sprintf("\"%s\"", [value]) if is_string(value)

else := json.marshal(value)

# The same for the values of values_at: the one value, or all of them when blocks disagree.
describe_values(values) := "not set" if count(values) == 0

else := describe(value) if {
	count(values) == 1
	some value in values
}

else := json.marshal(sort(values))

attribute_text(config, attribute) := describe(object.get(config, attribute, null))

string_of(value) := value if is_string(value)

else := json.marshal(value)

# IAM statements in one shape, whichever way they were written:
#   {"index", "sid", "effect", "actions", "not_actions", "conditions": [{"test", "variable", "values"}]}
# with condition values as strings, since IAM compares "false" and false alike.

# A policy document as JSON text, e.g. an aws_iam_policy's policy. Text that is not a JSON object
# (an interpolation such as "${data.aws_iam_policy_document.x.json}") has no statements here.
json_policy_statements(text) := [json_statement(index, statement) |
	is_string(text)
	json.is_valid(text)
	document := json.unmarshal(text)
	is_object(document)
	some index, statement in as_list(object.get(document, "Statement", []))
	is_object(statement)
]

json_statement(index, statement) := {
	"index": index,
	"sid": string_of(object.get(statement, "Sid", "")),
	"effect": string_of(object.get(statement, "Effect", "")),
	"actions": [string_of(action) | some action in as_list(object.get(statement, "Action", null))],
	"not_actions": [string_of(action) | some action in as_list(object.get(statement, "NotAction", null))],
	"service_principals": json_service_principals(object.get(statement, "Principal", null)),
	"conditions": [condition |
		some test, variables in object.get(statement, "Condition", {})
		some variable, values in variables
		condition := {"test": test, "variable": variable, "values": [string_of(value) | some value in as_list(values)]}
	],
}

# "Principal" may be "*", an object of principal types, or absent.
json_service_principals(principal) := [string_of(service) |
	is_object(principal)
	some service in as_list(object.get(principal, "Service", null))
]

# The statement blocks of a data "aws_iam_policy_document", whose effect defaults to Allow.
document_statements(config) := [document_statement(index, statement) |
	some index, statement in blocks(object.get(config, "statement", null))
]

document_statement(index, statement) := {
	"index": index,
	"sid": string_of(object.get(statement, "sid", "")),
	"effect": string_of(object.get(statement, "effect", "Allow")),
	"actions": [string_of(action) | some action in as_list(object.get(statement, "actions", null))],
	"not_actions": [string_of(action) | some action in as_list(object.get(statement, "not_actions", null))],
	"service_principals": [string_of(service) |
		some principal in blocks(object.get(statement, "principals", null))
		lower(object.get(principal, "type", "")) == "service"
		some service in as_list(object.get(principal, "identifiers", null))
	],
	"conditions": [condition |
		some block in blocks(object.get(statement, "condition", null))
		condition := {
			"test": string_of(object.get(block, "test", "")),
			"variable": string_of(object.get(block, "variable", "")),
			"values": [string_of(value) | some value in as_list(object.get(block, "values", null))],
		}
	],
}

# The statements a policy attribute grants, whether it holds JSON text or refers to
# aws_iam_policy_document data sources of the same stack.
policy_statements(value, stack) := array.concat(json_policy_statements(value), [statement |
	some source in referenced_data_sources(value, stack, "aws_iam_policy_document")
	some statement in document_statements(source.config)
])

# How a statement is named in a message: its Sid when it has one, its position otherwise.
statement_label(statement) := sprintf("statement %s (Sid %s)", [format_int(statement.index, 10), json.marshal(statement.sid)]) if {
	statement.sid != ""
} else := sprintf("statement %s", [format_int(statement.index, 10)])

# A secondary member of an ElastiCache global datastore takes its engine and encryption settings from
# the datastore and the provider refuses them on the member, so they are judged on the primary that
# founded the datastore.
global_datastore_member(group) if present(object.get(group.config, "global_replication_group_id", null))
