package multiregion.policies.infrastructure.deletion_protection_test

import data.multiregion.policies.infrastructure.deletion_protection as policy
import data.multiregion.test.terraform as builders

test_no_terraform_passes if {
	count(policy.deny) == 0 with input as builders.with_stacks({})
}

test_protected_resources_pass if {
	resources := builders.merge([
		builders.compliant_aurora("orders"),
		builders.compliant_kms_key("data"),
		builders.compliant_bucket("documents"),
		builders.resource("aws_rds_global_cluster", "orders", {"global_cluster_identifier": "orders", "deletion_protection": true}),
		builders.resource("aws_db_instance", "reporting", {"deletion_protection": "true"}),
		builders.resource("aws_dynamodb_table", "idempotency", {"deletion_protection_enabled": true}),
		builders.resource("aws_kms_key", "minimum", {"enable_key_rotation": true, "deletion_window_in_days": 7}),
		builders.resource("aws_kms_key", "default_window", {"enable_key_rotation": true}),
		builders.resource("aws_s3_bucket", "logs", {"bucket": "orders-logs", "force_destroy": false}),
	])
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_unprotected_databases_and_table_fire_on_their_attributes if {
	resources := builders.merge([
		builders.resource("aws_rds_cluster", "orders", {"deletion_protection": false}),
		builders.resource("aws_rds_global_cluster", "orders", {"global_cluster_identifier": "orders"}),
		builders.resource("aws_db_instance", "reporting", {"deletion_protection": "false"}),
		builders.resource("aws_dynamodb_table", "idempotency", {"hash_key": "id"}),
	])
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {
		builders.attribute_location("aws_rds_cluster", "orders", "deletion_protection"),
		builders.attribute_location("aws_rds_global_cluster", "orders", "deletion_protection"),
		builders.attribute_location("aws_db_instance", "reporting", "deletion_protection"),
		builders.attribute_location("aws_dynamodb_table", "idempotency", "deletion_protection_enabled"),
	}
	builders.messages(findings) == {
		"aws_rds_cluster.orders.deletion_protection is false, expected true",
		"aws_rds_global_cluster.orders.deletion_protection is not set, expected true",
		"aws_db_instance.reporting.deletion_protection is \"false\", expected true",
		"aws_dynamodb_table.idempotency.deletion_protection_enabled is not set, expected true",
	}
}

test_short_key_deletion_window_fires if {
	findings := policy.deny with input as builders.with_resources(builders.resource("aws_kms_key", "data", {"deletion_window_in_days": 3}))
	builders.locations(findings) == {builders.attribute_location("aws_kms_key", "data", "deletion_window_in_days")}
	builders.messages(findings) == {"aws_kms_key.data.deletion_window_in_days is 3, expected at least 7"}
}

test_short_key_deletion_window_as_a_string_fires if {
	findings := policy.deny with input as builders.with_resources(builders.resource("aws_kms_key", "data", {"deletion_window_in_days": "6"}))
	builders.messages(findings) == {"aws_kms_key.data.deletion_window_in_days is 6, expected at least 7"}
}

test_key_deletion_window_from_a_variable_passes if {
	count(policy.deny) == 0 with input as builders.with_resources(builders.resource("aws_kms_key", "data", {"deletion_window_in_days": "${var.window}"}))
}

test_force_destroy_bucket_fires if {
	resources := object.union(builders.compliant_bucket("documents"), builders.resource("aws_s3_bucket", "documents", {"force_destroy": true}))
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_s3_bucket", "documents", "force_destroy")}
	builders.messages(findings) == {"aws_s3_bucket.documents.force_destroy is true, expected false or not set (destroying the bucket would delete every object in it)"}
}
