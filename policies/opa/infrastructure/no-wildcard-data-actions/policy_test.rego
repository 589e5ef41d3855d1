package multiregion.policies.infrastructure.no_wildcard_data_actions_test

import data.multiregion.policies.infrastructure.no_wildcard_data_actions as policy
import data.multiregion.test.terraform as builders

document(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

named_actions := {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"}

test_no_terraform_passes if {
	count(policy.deny) == 0 with input as builders.with_stacks({})
}

test_named_actions_pass if {
	resources := builders.merge([
		builders.resource("aws_iam_policy", "app", {"policy": document([named_actions])}),
		builders.resource("aws_iam_role_policy", "app", {"policy": document(named_actions)}),
		builders.resource("aws_iam_role", "app", {"inline_policy": [{"name": "read", "policy": document([named_actions])}]}),
		builders.resource("aws_s3_bucket_policy", "documents", {"policy": builders.tls_only_policy("documents")}),
	])
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_wildcards_in_deny_statements_pass if {
	resources := builders.resource("aws_iam_policy", "guard", {"policy": document([{"Effect": "Deny", "Action": "*", "Resource": "*"}, named_actions])})
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_wildcards_on_other_services_pass if {
	resources := builders.resource("aws_iam_policy", "observability", {"policy": document([{"Effect": "Allow", "Action": ["cloudwatch:*", "logs:*", "s3:Get*"], "Resource": "*"}])})
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_service_wildcard_in_role_policy_fires if {
	statement := {"Sid": "Everything", "Effect": "Allow", "Action": ["s3:GetObject", "S3:*"], "Resource": "*"}
	resources := builders.resource("aws_iam_role_policy", "app", {"policy": document([named_actions, statement])})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_iam_role_policy", "app", "policy")}
	builders.messages(findings) == {"aws_iam_role_policy.app.policy statement 1 (Sid \"Everything\") allows \"S3:*\", expected named actions (no \"*\" or service wildcard on dynamodb, elasticache, kafka, kafka-cluster, kms, rds, rds-db, s3, secretsmanager)"}
}

test_star_as_a_single_string_fires if {
	resources := builders.resource("aws_iam_policy", "admin", {"policy": document({"Effect": "Allow", "Action": "*", "Resource": "*"})})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.messages(findings) == {"aws_iam_policy.admin.policy statement 0 allows \"*\", expected named actions (no \"*\" or service wildcard on dynamodb, elasticache, kafka, kafka-cluster, kms, rds, rds-db, s3, secretsmanager)"}
}

test_every_data_service_wildcard_fires if {
	actions := ["rds:*", "rds-db:*", "kafka:*", "kafka-cluster:*", "elasticache:*", "dynamodb:*", "kms:*", "secretsmanager:*"]
	resources := builders.resource("aws_iam_policy", "broad", {"policy": document([{"Effect": "Allow", "Action": actions, "Resource": "*"}])})
	findings := policy.deny with input as builders.with_resources(resources)
	count(findings) == 8
}

test_inline_role_policy_fires if {
	resources := builders.resource("aws_iam_role", "app", {"inline_policy": {"name": "keys", "policy": document([{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}])}})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_iam_role", "app", "inline_policy")}
}

test_policy_document_data_source_fires_on_its_statement if {
	config := {
		"data": builders.resource("aws_iam_policy_document", "app", {"statement": [
			{"actions": ["s3:GetObject"], "resources": ["*"]},
			{"sid": "Kafka", "actions": ["kafka-cluster:*"], "resources": ["*"]},
		]}),
		"resource": builders.resource("aws_iam_policy", "app", {"policy": builders.data_ref("aws_iam_policy_document", "app", "json")}),
	}
	findings := policy.deny with input as builders.with_config(config)
	builders.locations(findings) == {builders.data_location("aws_iam_policy_document", "app", "statement")}
	builders.messages(findings) == {"data.aws_iam_policy_document.app statement 1 (Sid \"Kafka\") allows \"kafka-cluster:*\", expected named actions (no \"*\" or service wildcard on dynamodb, elasticache, kafka, kafka-cluster, kms, rds, rds-db, s3, secretsmanager)"}
}

test_policy_document_deny_statement_passes if {
	config := {"data": builders.resource("aws_iam_policy_document", "guard", {"statement": {"effect": "Deny", "actions": ["kms:*"], "resources": ["*"]}})}
	count(policy.deny) == 0 with input as builders.with_config(config)
}

test_allow_with_not_action_fires_for_the_services_it_leaves_open if {
	statement := {"Effect": "Allow", "NotAction": ["iam:*", "s3:*", "kms:*"], "Resource": "*"}
	resources := builders.resource("aws_iam_policy", "poweruser", {"policy": document([statement])})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.messages(findings) == {"aws_iam_policy.poweruser.policy statement 0 allows every action but NotAction [\"iam:*\",\"s3:*\",\"kms:*\"], which grants all of dynamodb, elasticache, kafka, kafka-cluster, rds, rds-db, secretsmanager, expected Action with named actions"}
}

test_allow_with_not_action_covering_every_data_service_passes if {
	not_actions := ["dynamodb:*", "elasticache:*", "kafka:*", "kafka-cluster:*", "kms:*", "rds:*", "rds-db:*", "s3:*", "secretsmanager:*"]
	config := {"data": builders.resource("aws_iam_policy_document", "rest", {"statement": [{"not_actions": not_actions, "resources": ["*"]}]})}
	count(policy.deny) == 0 with input as builders.with_config(config)
}

test_policy_written_with_jsonencode_fires_as_unreadable if {
	resources := builders.resource("aws_iam_policy", "app_data", {"policy": "${jsonencode({\"Statement\" = [{\"Action\" = \"s3:*\", \"Effect\" = \"Allow\"}]})}"})
	findings := policy.deny with input as builders.with_resources(resources)
	count(findings) == 1
	some f in findings
	startswith(f.message, "aws_iam_policy.app_data.policy is a Terraform expression whose statements cannot be read here")
}

test_policy_referencing_a_policy_document_is_read_through_the_document if {
	resources := builders.resource("aws_iam_policy", "app", {"policy": "${data.aws_iam_policy_document.app.json}"})
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

boundary_stacks(attachments) := builders.with_stacks({
	"ci": {
		"resource": builders.merge([
			builders.resource("aws_iam_policy", "boundary", {"name": "orders-boundary", "path": "/ci/", "policy": builders.data_ref("aws_iam_policy_document", "boundary", "json")}),
			attachments,
		]),
		"data": {"aws_iam_policy_document": {"boundary": {"statement": [{"actions": ["*"], "resources": ["*"]}, {"effect": "Deny", "actions": ["iam:*"], "resources": ["*"]}]}}},
	},
	"us-east-1": {"resource": builders.resource("aws_iam_role", "app", {"permissions_boundary": "arn:aws:iam::123456789012:policy/ci/orders-boundary"})},
})

test_permissions_boundary_allowing_everything_passes if {
	count(policy.deny) == 0 with input as boundary_stacks({})
}

test_boundary_document_attached_as_a_grant_fires if {
	attachment := builders.resource("aws_iam_role_policy_attachment", "grant", {"role": "app", "policy_arn": builders.ref("aws_iam_policy", "boundary", "arn")})
	findings := policy.deny with input as boundary_stacks(attachment)
	count(findings) == 1
}

test_boundary_document_used_as_a_role_policy_fires if {
	grant := builders.resource("aws_iam_role_policy", "grant", {"role": "app", "policy": builders.data_ref("aws_iam_policy_document", "boundary", "json")})
	findings := policy.deny with input as boundary_stacks(grant)
	count(findings) == 1
}

test_boundary_policy_attached_by_its_literal_arn_fires if {
	attachment := builders.resource("aws_iam_role_policy_attachment", "grant", {"role": "app", "policy_arn": "arn:aws:iam::123456789012:policy/ci/orders-boundary"})
	findings := policy.deny with input as boundary_stacks(attachment)
	count(findings) == 1
}

test_boundary_policy_in_managed_policy_arns_fires if {
	role := builders.resource("aws_iam_role", "deployer", {"managed_policy_arns": [builders.ref("aws_iam_policy", "boundary", "arn")]})
	findings := policy.deny with input as boundary_stacks(role)
	count(findings) == 1
}

test_boundary_policy_in_an_exclusive_attachment_set_fires if {
	attachments := builders.resource("aws_iam_role_policy_attachments_exclusive", "grant", {"role_name": "app", "policy_arns": ["arn:aws:iam::123456789012:policy/ci/orders-boundary"]})
	findings := policy.deny with input as boundary_stacks(attachments)
	count(findings) == 1
}

test_boundary_policy_read_back_by_its_name_fires if {
	lookup := {"data": builders.resource("aws_iam_policy", "boundary_copy", {"name": "orders-boundary"})}
	input_with_lookup := object.union(boundary_stacks({}), {"terraform": {"us-east-1": {"config": lookup}}})
	findings := policy.deny with input as input_with_lookup
	count(findings) == 1
}

test_boundary_arn_in_a_policy_document_condition_keeps_the_exemption if {
	condition := {"test": "StringEquals", "variable": "iam:PermissionsBoundary", "values": ["arn:aws:iam::123456789012:policy/ci/orders-boundary"]}
	config := {
		"resource": builders.resource("aws_iam_role", "app", {"permissions_boundary": "arn:aws:iam::123456789012:policy/ci/orders-boundary"}),
		"data": builders.resource("aws_iam_policy_document", "ci", {"statement": [{"actions": ["iam:CreateRole"], "resources": ["*"], "condition": [condition]}]}),
	}
	input_with_ci := object.union(boundary_stacks({}), {"terraform": {"us-east-1": {"config": config}}})
	count(policy.deny) == 0 with input as input_with_ci
}
