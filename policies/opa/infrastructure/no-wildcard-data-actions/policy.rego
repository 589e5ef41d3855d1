# METADATA
# title: No wildcard actions on data stores and keys
# description: A role allowed "*" or a whole service ("s3:*", "kms:*", "rds:*", …) can delete buckets, drop replicas, disable key rotation or schedule key deletion in both regions at once, which is exactly the loss the second region exists to survive. Grants on data stores and keys name their actions, so a review can see what a role may do.
# custom:
#   severity: high
#   remediation: Replace the wildcard in the policy statement named in the finding with the actions the workload calls (e.g. s3:GetObject, s3:PutObject, kms:Decrypt, kms:GenerateDataKey), in its construct under modules/terraform; re-synthesise and commit generated/.
package multiregion.policies.infrastructure.no_wildcard_data_actions

import data.multiregion.lib.terraform as tf

data_services := {"s3", "rds", "rds-db", "kafka", "kafka-cluster", "elasticache", "dynamodb", "kms", "secretsmanager"}

# IAM matches action names without regard to case.
wildcard(action) if lower(action) in {"*", "*:*"}

wildcard(action) if {
	parts := split(lower(action), ":")
	count(parts) == 2
	parts[0] in data_services
	parts[1] == "*"
}

# Policies given as JSON text. One that points at an aws_iam_policy_document data source is
# judged through the data source, which is where the statement is written.
policy_types := {"aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"}

granting contains {"label": sprintf("%s.policy", [resource.address]), "location": tf.attribute_location(resource, "policy"), "statement": statement} if {
	some type in policy_types
	some resource in tf.resources(type)
	some statement in tf.json_policy_statements(object.get(resource.config, "policy", null))
}

granting contains {"label": sprintf("%s.inline_policy", [role.address]), "location": tf.attribute_location(role, "inline_policy"), "statement": statement} if {
	some role in tf.resources("aws_iam_role")
	some inline in tf.blocks(object.get(role.config, "inline_policy", null))
	some statement in tf.json_policy_statements(object.get(inline, "policy", null))
}

granting contains {"label": document.address, "location": tf.attribute_location(document, "statement"), "statement": statement} if {
	some document in tf.data_sources("aws_iam_policy_document")
	not document.address in boundary_documents
	some statement in tf.document_statements(document.config)
}

# A permissions boundary grants nothing: it caps what a role's own policies grant, so "*" minus denies
# is how one is written. A document counts as one only while its sole use is as the policy of
# aws_iam_policy resources that are roles' boundaries and nothing else: a document also used as a
# role policy, or a boundary policy also attached, listed or otherwise named, grants what it allows.
# Only a document that would be reported is worth the search for its users, which walks every stack.
boundary_documents contains document.address if {
	some document in tf.data_sources("aws_iam_policy_document")
	some statement in tf.document_statements(document.config)
	broad(statement)
	users := {item |
		some item in stack_items(document.stack)
		item.address != document.address
		tf.references_data(item.config, "aws_iam_policy_document", document.name)
	}
	count(users) > 0
	every user in users {
		user.type == "aws_iam_policy"
		boundary_only(user)
	}
}

stack_items(stack) := {item |
	some type, _ in object.get(input.terraform[stack].config, "resource", {})
	some item in tf.resources(type)
	item.stack == stack
} | {item |
	some type, _ in object.get(input.terraform[stack].config, "data", {})
	some item in tf.data_sources(type)
	item.stack == stack
}

# Kept apart from the role search so the walk of every stack runs once per policy, not once per role.
boundary_only(policy) if {
	used_as_boundary(policy)
	not named_elsewhere(policy)
}

used_as_boundary(policy) if {
	some role in tf.resources("aws_iam_role")
	names_policy(object.get(role.config, "permissions_boundary", null), role.stack, policy)
}

# Any mention outside a role's permissions_boundary may grant the policy (an attachment, managed_policy_arns,
# an exclusive attachment set, a data source read back into a grant), so it ends the exemption. The
# conditions of policy documents only compare ARNs, e.g. the boundary a CI role must set on the roles it creates.
named_elsewhere(policy) if {
	some mention in mentions
	not same(mention, policy)
	text_names_policy(mention.text, mention.stack, policy)
}

# Every string of every stack outside roles' boundaries and documents' conditions that could name an
# aws_iam_policy, with the item it is in. Collected in one walk of the stacks, however many boundary
# documents there are: each clause of text_names_policy needs one of these three things in the text.
mentions := [{"stack": stack, "address": item.address, "text": text} |
	some stack, generated in input.terraform
	some kind in {"resource", "data"}
	some type, items in object.get(generated.config, kind, {})
	some name, config in items
	item := {"type": type, "address": address(kind, type, name)}
	some attribute, value in config
	not boundary_attribute(item, attribute)
	walk(without_conditions(item, attribute, value), [_, text])
	is_string(text)
	could_name_a_policy(text)
]

address("resource", type, name) := sprintf("%s.%s", [type, name])

address("data", type, name) := sprintf("data.%s.%s", [type, name])

could_name_a_policy(text) if contains(text, ":policy")

could_name_a_policy(text) if {
	contains(text, "${")
	contains(text, "aws_iam_policy.")
}

could_name_a_policy(text) if text in policy_names

policy_names := {policy.config.name | some policy in tf.resources("aws_iam_policy")}

same(item, policy) if {
	item.stack == policy.stack
	item.address == policy.address
}

boundary_attribute(item, "permissions_boundary") if item.type == "aws_iam_role"

without_conditions(item, attribute, value) := [object.remove(statement, ["condition"]) | some statement in tf.blocks(value)] if {
	item.type == "aws_iam_policy_document"
	attribute == "statement"
} else := value

names_policy(value, stack, policy) if {
	walk(value, [_, text])
	is_string(text)
	text_names_policy(text, stack, policy)
}

# By reference within its stack, or in any stack by its ARN (which ends in its path and name) or its name.
text_names_policy(text, stack, policy) if {
	stack == policy.stack
	tf.references(text, "aws_iam_policy", policy.name)
}

text_names_policy(text, _, policy) if contains(text, sprintf(":policy%s%s", [object.get(policy.config, "path", "/"), policy.config.name]))

text_names_policy(text, _, policy) if text == policy.config.name

allows(statement) if lower(statement.effect) == "allow"

broad(statement) if {
	allows(statement)
	some action in statement.actions
	wildcard(action)
}

broad(statement) if {
	allows(statement)
	count(statement.not_actions) > 0
}

deny contains {
	"message": sprintf("%s %s allows %s, expected named actions (no \"*\" or service wildcard on %s)", [grant.label, tf.statement_label(grant.statement), json.marshal(action), concat(", ", sort(data_services))]),
	"location": grant.location,
} if {
	some grant in granting
	allows(grant.statement)
	some action in grant.statement.actions
	wildcard(action)
}

# Allow with NotAction grants everything it does not list, so it grants a whole data service unless
# it lists that service's wildcard.
implicitly_granted(statement) := {service |
	some service in data_services
	not excluded(statement, service)
}

excluded(statement, service) if {
	some action in statement.not_actions
	lower(action) in {"*", "*:*", sprintf("%s:*", [service])}
}

deny contains {
	"message": sprintf("%s %s allows every action but NotAction %s, which grants all of %s, expected Action with named actions", [grant.label, tf.statement_label(grant.statement), json.marshal(grant.statement.not_actions), concat(", ", sort(services))]),
	"location": grant.location,
} if {
	some grant in granting
	allows(grant.statement)
	count(grant.statement.not_actions) > 0
	services := implicitly_granted(grant.statement)
	count(services) > 0
}

# Policy text this policy cannot read (e.g. written with jsonencode) could grant anything, so it is
# reported rather than passed: a reviewer looks at it, or the construct writes a policy document.
deny contains {
	"message": sprintf("%s is a Terraform expression whose statements cannot be read here (%s), expected JSON text or a reference to a data aws_iam_policy_document so its actions can be checked", [policy.label, policy.text]),
	"location": policy.location,
} if {
	some policy in policy_texts
	not readable(policy.value)
}

policy_texts contains {"label": sprintf("%s.policy", [resource.address]), "location": tf.attribute_location(resource, "policy"), "value": value, "text": tf.describe(value)} if {
	some type in policy_types
	some resource in tf.resources(type)
	value := object.get(resource.config, "policy", null)
	not is_null(value)
}

policy_texts contains {"label": sprintf("%s.inline_policy", [role.address]), "location": tf.attribute_location(role, "inline_policy"), "value": value, "text": tf.describe(value)} if {
	some role in tf.resources("aws_iam_role")
	some inline in tf.blocks(object.get(role.config, "inline_policy", null))
	value := object.get(inline, "policy", null)
	not is_null(value)
}

readable(value) if {
	is_string(value)
	json.is_valid(value)
	is_object(json.unmarshal(value))
}

readable(value) if {
	is_string(value)
	regex.match(`^\$\{data\.aws_iam_policy_document\.[A-Za-z0-9_-]+\.json\}$`, value)
}
