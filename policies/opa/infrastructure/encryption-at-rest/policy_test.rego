package multiregion.policies.infrastructure.encryption_at_rest_test

import data.multiregion.policies.infrastructure.encryption_at_rest as policy
import data.multiregion.test.terraform as builders

test_no_terraform_passes if {
	count(policy.deny) == 0 with input as builders.with_stacks({})
}

test_encrypted_stores_and_rotated_keys_pass if {
	resources := builders.merge([
		builders.compliant_bucket("documents"),
		builders.compliant_kms_key("data"),
		builders.compliant_aurora("orders"),
		builders.compliant_cache("sessions"),
		builders.compliant_kafka("events"),
		builders.resource("aws_eks_cluster", "main", {"encryption_config": [{"resources": ["secrets"], "provider": [{"key_arn": builders.ref("aws_kms_key", "data", "arn")}]}]}),
		builders.resource("aws_cloudwatch_log_group", "app", {"kms_key_id": builders.ref("aws_kms_key", "data", "arn")}),
		builders.resource("aws_sns_topic", "alerts", {"kms_master_key_id": "alias/orders"}),
	])
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_bucket_without_encryption_configuration_fires_on_the_bucket if {
	findings := policy.deny with input as builders.with_resources(builders.resource("aws_s3_bucket", "documents", {"bucket": "orders-documents"}))
	builders.locations(findings) == {builders.location("aws_s3_bucket", "documents")}
	builders.messages(findings) == {"aws_s3_bucket.documents has no aws_s3_bucket_server_side_encryption_configuration naming it in its bucket attribute, expected one with sse_algorithm \"aws:kms\" or \"aws:kms:dsse\""}
}

test_bucket_with_aes256_fires_on_the_encryption_configuration if {
	resources := json.patch(builders.compliant_bucket("documents"), [{
		"op": "replace",
		"path": "/aws_s3_bucket_server_side_encryption_configuration/documents/rule/0/apply_server_side_encryption_by_default/sse_algorithm",
		"value": "AES256",
	}])
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_s3_bucket_server_side_encryption_configuration", "documents", "rule")}
	builders.messages(findings) == {"aws_s3_bucket_server_side_encryption_configuration.documents encrypts aws_s3_bucket.documents with sse_algorithm \"AES256\", expected \"aws:kms\" or \"aws:kms:dsse\""}
}

log_target(statement) := json.patch(builders.compliant_bucket("logs"), [
	{"op": "replace", "path": "/aws_s3_bucket_server_side_encryption_configuration/logs/rule/0/apply_server_side_encryption_by_default", "value": {"sse_algorithm": "AES256"}},
	{"op": "replace", "path": "/aws_s3_bucket_policy/logs/policy", "value": json.marshal({"Statement": [builders.tls_only_statement("logs"), statement]})},
])

test_s3_access_log_target_may_use_aes256 if {
	delivery := {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::orders-logs/*"}
	count(policy.deny) == 0 with input as builders.with_resources(log_target(delivery))
}

test_log_target_written_as_a_policy_document_may_use_aes256 if {
	resources := json.patch(log_target({}), [{"op": "replace", "path": "/aws_s3_bucket_policy/logs/policy", "value": builders.data_ref("aws_iam_policy_document", "logs", "json")}])
	document := {"statement": [{"effect": "Allow", "principals": [{"type": "Service", "identifiers": ["logging.s3.amazonaws.com"]}], "actions": ["s3:PutObject"], "resources": ["arn:aws:s3:::orders-logs/*"]}]}
	count(policy.deny) == 0 with input as builders.with_config({"resource": resources, "data": {"aws_iam_policy_document": {"logs": document}}})
}

test_aes256_bucket_granting_another_service_fires if {
	delivery := {"Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::orders-logs/*"}
	findings := policy.deny with input as builders.with_resources(log_target(delivery))
	builders.locations(findings) == {builders.attribute_location("aws_s3_bucket_server_side_encryption_configuration", "logs", "rule")}
}

test_dsse_and_object_shaped_rule_pass if {
	resources := object.union(builders.compliant_bucket("documents"), builders.resource("aws_s3_bucket_server_side_encryption_configuration", "documents", {"rule": {"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms:dsse"}}}))
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_encryption_configuration_of_another_bucket_does_not_count if {
	resources := object.union(
		builders.compliant_bucket("documents"),
		builders.resource("aws_s3_bucket", "documents_logs", {"bucket": "orders-documents-logs"}),
	)
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.location("aws_s3_bucket", "documents_logs")}
}

test_encryption_configuration_naming_the_bucket_literally_counts if {
	resources := object.union(builders.compliant_bucket("documents"), builders.resource("aws_s3_bucket_server_side_encryption_configuration", "documents", {"bucket": "orders-documents"}))
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_encryption_configuration_in_another_stack_does_not_count if {
	east := builders.resource("aws_s3_bucket", "documents", {"bucket": "orders-documents"})
	west := builders.compliant_bucket("documents")
	findings := policy.deny with input as builders.with_stacks({"us-east-1": {"resource": east}, "us-west-2": {"resource": west}})
	builders.locations(findings) == {builders.location("aws_s3_bucket", "documents")}
}

test_unencrypted_aurora_fires_on_both_attributes if {
	resources := builders.resource("aws_rds_cluster", "orders", {"engine": "aurora-postgresql", "storage_encrypted": false})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {
		builders.attribute_location("aws_rds_cluster", "orders", "storage_encrypted"),
		builders.attribute_location("aws_rds_cluster", "orders", "kms_key_id"),
	}
	builders.messages(findings) == {
		"aws_rds_cluster.orders.storage_encrypted is false, expected true",
		"aws_rds_cluster.orders.kms_key_id is not set, expected a customer-managed KMS key ARN",
	}
}

test_cache_at_rest_encryption_string_false_fires if {
	resources := builders.resource("aws_elasticache_replication_group", "sessions", {"at_rest_encryption_enabled": "false", "transit_encryption_enabled": true})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.messages(findings) == {"aws_elasticache_replication_group.sessions.at_rest_encryption_enabled is \"false\", expected true"}
	builders.locations(findings) == {builders.attribute_location("aws_elasticache_replication_group", "sessions", "at_rest_encryption_enabled")}
}

test_cache_at_rest_encryption_boolean_true_passes if {
	resources := builders.resource("aws_elasticache_replication_group", "sessions", {"at_rest_encryption_enabled": true})
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_global_datastore_member_inherits_encryption_and_names_its_key if {
	member := {"global_replication_group_id": builders.ref("data.terraform_remote_state", "primary", "outputs.cache"), "kms_key_id": builders.ref("aws_kms_key", "key", "arn")}
	resources := builders.resource("aws_elasticache_replication_group", "sessions", member)
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_global_datastore_member_without_kms_key_fires if {
	resources := builders.resource("aws_elasticache_replication_group", "sessions", {"global_replication_group_id": "ldgnf-orders-sessions"})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.messages(findings) == {"aws_elasticache_replication_group.sessions joins a global datastore without kms_key_id, expected the region's customer-managed KMS key ARN"}
	builders.locations(findings) == {builders.attribute_location("aws_elasticache_replication_group", "sessions", "kms_key_id")}
}

test_kafka_without_kms_key_fires if {
	resources := builders.resource("aws_msk_cluster", "events", {"encryption_info": [{"encryption_in_transit": [{"client_broker": "TLS"}]}]})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_msk_cluster", "events", "encryption_info.encryption_at_rest_kms_key_arn")}
}

test_kafka_kms_key_in_a_list_shaped_block_passes if {
	resources := builders.resource("aws_msk_cluster", "events", {"encryption_info": [{"encryption_at_rest_kms_key_arn": builders.ref("aws_kms_key", "data", "arn")}]})
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_kms_key_without_rotation_fires if {
	findings := policy.deny with input as builders.with_resources(builders.resource("aws_kms_key", "data", {"deletion_window_in_days": 30}))
	builders.messages(findings) == {"aws_kms_key.data.enable_key_rotation is not set, expected true"}
}

test_eks_encrypting_only_other_resources_fires if {
	resources := builders.resource("aws_eks_cluster", "main", {"encryption_config": {"resources": ["configmaps"], "provider": {"key_arn": "arn"}}})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_eks_cluster", "main", "encryption_config")}
}

test_eks_without_encryption_config_fires if {
	findings := policy.deny with input as builders.with_resources(builders.resource("aws_eks_cluster", "main", {"name": "orders"}))
	builders.messages(findings) == {"aws_eks_cluster.main has no encryption_config covering \"secrets\", expected envelope encryption of Kubernetes secrets with a KMS key"}
}

test_log_group_and_topic_without_keys_fire if {
	resources := object.union(
		builders.resource("aws_cloudwatch_log_group", "app", {"retention_in_days": 30, "kms_key_id": ""}),
		builders.resource("aws_sns_topic", "alerts", {"name": "alerts"}),
	)
	findings := policy.deny with input as builders.with_resources(resources)
	builders.messages(findings) == {
		"aws_cloudwatch_log_group.app.kms_key_id is \"\", expected a KMS key ARN",
		"aws_sns_topic.alerts.kms_master_key_id is not set, expected a KMS key ARN or alias",
	}
}
