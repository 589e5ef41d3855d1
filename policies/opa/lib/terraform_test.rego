package multiregion.lib.terraform_test

import data.multiregion.lib.terraform as tf
import data.multiregion.test.terraform as builders

two_stacks := builders.with_stacks({
	"us-east-1": {
		"resource": builders.merge([
			builders.resource("aws_s3_bucket", "documents_A1B2", {"bucket": "orders-documents-use1"}),
			builders.resource("aws_s3_bucket", "documents_A1B2_logs", {"bucket": "orders-documents-logs"}),
			builders.resource("aws_s3_bucket_policy", "documents", {"bucket": "${aws_s3_bucket.documents_A1B2.id}", "policy": "${data.aws_iam_policy_document.documents-policy.json}"}),
			builders.resource("aws_s3_bucket_public_access_block", "literal", {"bucket": "orders-documents-logs"}),
		]),
		"data": builders.resource("aws_iam_policy_document", "documents-policy", {"statement": [{"actions": ["s3:GetObject"], "condition": {"test": "Bool", "variable": "aws:SecureTransport", "values": [false]}}]}),
	},
	"us-west-2": {"resource": builders.resource("aws_s3_bucket", "documents_A1B2", {"bucket": "orders-documents-usw2"})},
})

west_file := "generated/terraform/us-west-2/cdk.tf.json"

test_resources_span_stacks_with_their_files_and_paths if {
	buckets := tf.resources("aws_s3_bucket") with input as two_stacks
	{[b.stack, b.file, b.path, b.address] | some b in buckets} == {
		["us-east-1", builders.file("us-east-1"), "resource.aws_s3_bucket.documents_A1B2", "aws_s3_bucket.documents_A1B2"],
		["us-east-1", builders.file("us-east-1"), "resource.aws_s3_bucket.documents_A1B2_logs", "aws_s3_bucket.documents_A1B2_logs"],
		["us-west-2", west_file, "resource.aws_s3_bucket.documents_A1B2", "aws_s3_bucket.documents_A1B2"],
	}
}

test_no_terraform_has_no_resources if {
	count(tf.resources("aws_s3_bucket")) == 0 with input as builders.with_stacks({})
	count(tf.resources("aws_s3_bucket")) == 0 with input as {}
}

test_data_sources_are_addressed_under_data if {
	{s.path | some s in tf.data_sources("aws_iam_policy_document")} == {"data.aws_iam_policy_document.documents-policy"} with input as two_stacks
}

test_locations_point_at_the_resource_and_attribute if {
	some bucket in tf.resources("aws_s3_bucket") with input as two_stacks
	bucket.stack == "us-west-2"
	tf.location(bucket) == {"file": west_file, "path": "resource.aws_s3_bucket.documents_A1B2"}
	tf.attribute_location(bucket, "force_destroy") == {"file": west_file, "path": "resource.aws_s3_bucket.documents_A1B2.force_destroy"}
}

test_references_match_whole_names_only if {
	tf.references({"bucket": "${aws_s3_bucket.documents_A1B2.id}"}, "aws_s3_bucket", "documents_A1B2")
	tf.references(["x", {"deep": "${element(aws_s3_bucket.documents_A1B2.*.arn, 0)}"}], "aws_s3_bucket", "documents_A1B2")
	tf.references("${aws_route53_health_check.traffic_health-us-east-1_EE6E4F7B.id}", "aws_route53_health_check", "traffic_health-us-east-1_EE6E4F7B")
	not tf.references("${aws_s3_bucket.documents_A1B2_logs.id}", "aws_s3_bucket", "documents_A1B2")
	not tf.references("${aws_s3_bucket.x_documents_A1B2.id}", "aws_s3_bucket", "documents_A1B2")
	not tf.references("${data.aws_s3_bucket.documents_A1B2.id}", "aws_s3_bucket", "documents_A1B2")
	not tf.references("aws_s3_bucket.documents_A1B2.id", "aws_s3_bucket", "documents_A1B2")
	tf.references_data("${data.aws_iam_policy_document.documents-policy.json}", "aws_iam_policy_document", "documents-policy")
	not tf.references_data("${aws_iam_policy_document.documents-policy.json}", "aws_iam_policy_document", "documents-policy")
	not tf.references_data("${dataXaws_iam_policy_document.documents-policy.json}", "aws_iam_policy_document", "documents-policy")
}

test_referencing_stays_within_the_stack if {
	found := {[bucket.stack, policy.address] |
		some bucket in tf.resources("aws_s3_bucket")
		bucket.name == "documents_A1B2"
		some policy in tf.referencing(bucket, "aws_s3_bucket_policy")
	} with input as two_stacks
	found == {["us-east-1", "aws_s3_bucket_policy.documents"]}
}

test_referencing_by_looks_at_one_attribute_only if {
	input_ := builders.with_resources(builders.merge([
		builders.resource("aws_s3_bucket", "a", {}),
		builders.resource("aws_s3_bucket", "b", {}),
		builders.resource("aws_s3_bucket_policy", "a", {"bucket": builders.ref("aws_s3_bucket", "a", "id"), "policy": builders.tls_only_policy("b")}),
	]))
	some b in tf.resources("aws_s3_bucket") with input as input_
	b.name == "b"
	count(tf.referencing(b, "aws_s3_bucket_policy")) == 1 with input as input_
	count(tf.referencing_by(b, "aws_s3_bucket_policy", "bucket")) == 0 with input as input_
}

test_bucket_attachments_match_references_and_literal_names if {
	attached := {[b.name, a.address] |
		some b in tf.resources("aws_s3_bucket")
		b.stack == "us-east-1"
		some type in ["aws_s3_bucket_policy", "aws_s3_bucket_public_access_block"]
		some a in tf.bucket_attachments(b, type)
	} with input as two_stacks
	attached == {["documents_A1B2", "aws_s3_bucket_policy.documents"], ["documents_A1B2_logs", "aws_s3_bucket_public_access_block.literal"]}
}

test_referenced_data_sources_resolve_in_the_same_stack if {
	sources := tf.referenced_data_sources("${data.aws_iam_policy_document.documents-policy.json}", "us-east-1", "aws_iam_policy_document") with input as two_stacks
	{s.address | some s in sources} == {"data.aws_iam_policy_document.documents-policy"}
	count(tf.referenced_data_sources("${data.aws_iam_policy_document.documents-policy.json}", "us-west-2", "aws_iam_policy_document")) == 0 with input as two_stacks
}

test_blocks_accept_objects_and_lists if {
	tf.blocks({"a": 1}) == [{"a": 1}]
	tf.blocks([{"a": 1}, {"a": 2}]) == [{"a": 1}, {"a": 2}]
	tf.blocks([]) == []
	tf.blocks(null) == []
	tf.blocks("${var.x}") == []
}

test_as_list if {
	tf.as_list("s3:*") == ["s3:*"]
	tf.as_list(["a", "b"]) == ["a", "b"]
	tf.as_list(null) == []
}

test_values_at_looks_through_object_and_list_blocks if {
	tf.values_at({"encryption_info": {"encryption_in_transit": {"client_broker": "TLS"}}}, ["encryption_info", "encryption_in_transit", "client_broker"]) == {"TLS"}
	tf.values_at({"encryption_info": [{"encryption_in_transit": [{"client_broker": "TLS"}]}]}, ["encryption_info", "encryption_in_transit", "client_broker"]) == {"TLS"}
	tf.values_at({"encryption_config": [{"resources": ["secrets", "configmaps"]}]}, ["encryption_config", "resources"]) == {"secrets", "configmaps"}
	tf.values_at({"other": {"client_broker": "PLAINTEXT"}}, ["encryption_info", "encryption_in_transit", "client_broker"]) == set()
}

test_booleans_as_terraform_coerces_them if {
	tf.is_true(true)
	tf.is_true("True")
	not tf.is_true("yes")
	not tf.is_true(null)
	tf.is_false(false)
	tf.is_false("false")
	not tf.is_false(null)
}

test_present if {
	tf.present("${aws_kms_key.data.arn}")
	tf.present(0)
	not tf.present("  ")
	not tf.present(null)
}

test_number if {
	tf.number(7) == 7
	tf.number(" 6 ") == 6
	tf.number("2.5") == 2.5
	not tf.number("${var.days}")
	not tf.number(null)
}

test_describe if {
	tf.describe(null) == "not set"
	tf.describe("HTTP") == "\"HTTP\""
	tf.describe(false) == "false"
	tf.attribute_text({"a": 1}, "b") == "not set"
	tf.describe_values(set()) == "not set"
	tf.describe_values({"TLS"}) == "\"TLS\""
	tf.describe_values({"TLS", "PLAINTEXT"}) == "[\"PLAINTEXT\",\"TLS\"]"
}

test_json_statements_accept_single_values_and_lists if {
	text := json.marshal({"Statement": {"Sid": "S", "Effect": "Deny", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": false}}}})
	tf.json_policy_statements(text) == [{"index": 0, "sid": "S", "effect": "Deny", "actions": ["s3:*"], "not_actions": [], "service_principals": [], "conditions": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]}]
	statements := tf.json_policy_statements(json.marshal({"Statement": [{"Effect": "Allow", "NotAction": ["iam:*"]}]}))
	statements[0].not_actions == ["iam:*"]
	statements[0].actions == []
	tf.json_policy_statements("${data.aws_iam_policy_document.x.json}") == []
	tf.json_policy_statements("[1]") == []
	tf.json_policy_statements(null) == []
}

test_statements_name_their_service_principals if {
	text := json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"Service": ["logging.s3.amazonaws.com"], "AWS": "arn:aws:iam::1:root"}}, {"Effect": "Deny", "Principal": "*"}]})
	[statement.service_principals | some statement in tf.json_policy_statements(text)] == [["logging.s3.amazonaws.com"], []]
	document := {"statement": [{"principals": [{"type": "Service", "identifiers": ["logs.us-east-1.amazonaws.com"]}, {"type": "AWS", "identifiers": ["*"]}]}]}
	tf.document_statements(document)[0].service_principals == ["logs.us-east-1.amazonaws.com"]
}

test_document_statements_default_to_allow if {
	statements := tf.document_statements({"statement": {"actions": ["kms:Decrypt"], "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]}})
	statements == [{"index": 0, "sid": "", "effect": "Allow", "actions": ["kms:Decrypt"], "not_actions": [], "service_principals": [], "conditions": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]}]
}

test_policy_statements_follow_data_sources if {
	statements := tf.policy_statements("${data.aws_iam_policy_document.documents-policy.json}", "us-east-1") with input as two_stacks
	statements[0].conditions == [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]
	count(statements) == 1
}

test_statement_label_prefers_the_sid if {
	tf.statement_label({"index": 2, "sid": "ReadOrders"}) == "statement 2 (Sid \"ReadOrders\")"
	tf.statement_label({"index": 0, "sid": ""}) == "statement 0"
}
