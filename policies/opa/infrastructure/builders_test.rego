# Terraform JSON builders shared by the infrastructure policy tests: stacks in the shape cdktf
# generates, resources merged into them, and resources that satisfy every infrastructure policy.
package multiregion.test.terraform

import data.multiregion.test.fixtures

file(stack) := sprintf("generated/terraform/%s/cdk.tf.json", [stack])

# The good input with one generated configuration per stack, e.g.
#   with_stacks({"us-east-1": {"resource": ...}, "global": {"resource": ...}})
with_stacks(configs) := object.union(fixtures.good, {"terraform": {stack: {"file": file(stack), "config": config} |
	some stack, config in configs
}})

# The good input with one us-east-1 stack holding these resources.
with_resources(resources) := with_stacks({"us-east-1": {"resource": resources}})

# The good input with one us-east-1 stack holding this whole configuration (resources and data).
with_config(config) := with_stacks({"us-east-1": config})

# One resource as it sits under "resource" (or "data"); object.union merges several, since it
# merges nested objects.
resource(type, name, attributes) := {type: {name: attributes}}

merge(parts) := object.union_n(parts)

ref(type, name, attribute) := sprintf("${%s.%s.%s}", [type, name, attribute])

data_ref(type, name, attribute) := sprintf("${data.%s.%s.%s}", [type, name, attribute])

location(type, name) := {"file": file("us-east-1"), "path": sprintf("resource.%s.%s", [type, name])}

attribute_location(type, name, attribute) := {"file": file("us-east-1"), "path": sprintf("resource.%s.%s.%s", [type, name, attribute])}

data_location(type, name, attribute) := {"file": file("us-east-1"), "path": sprintf("data.%s.%s.%s", [type, name, attribute])}

locations(findings) := {finding.location | some finding in findings}

messages(findings) := {finding.message | some finding in findings}

# A bucket policy statement that refuses every request made without TLS.
tls_only_statement(bucket) := {
	"Sid": "DenyInsecureTransport",
	"Effect": "Deny",
	"Principal": "*",
	"Action": "s3:*",
	"Resource": [ref("aws_s3_bucket", bucket, "arn"), sprintf("%s/*", [ref("aws_s3_bucket", bucket, "arn")])],
	"Condition": {"Bool": {"aws:SecureTransport": "false"}},
}

tls_only_policy(bucket) := json.marshal({"Version": "2012-10-17", "Statement": [tls_only_statement(bucket)]})

# A bucket encrypted with KMS, closed to the public and reachable only over TLS, with the sub-resources
# named after it as cdktf would.
compliant_bucket(name) := merge([
	resource("aws_s3_bucket", name, {"bucket": sprintf("orders-%s", [name])}),
	resource("aws_s3_bucket_server_side_encryption_configuration", name, {
		"bucket": ref("aws_s3_bucket", name, "id"),
		"rule": [{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": ref("aws_kms_key", "data", "arn")}, "bucket_key_enabled": true}],
	}),
	resource("aws_s3_bucket_public_access_block", name, {
		"bucket": ref("aws_s3_bucket", name, "id"),
		"block_public_acls": true,
		"block_public_policy": true,
		"ignore_public_acls": true,
		"restrict_public_buckets": true,
	}),
	resource("aws_s3_bucket_policy", name, {"bucket": ref("aws_s3_bucket", name, "id"), "policy": tls_only_policy(name)}),
])

compliant_kms_key(name) := resource("aws_kms_key", name, {"enable_key_rotation": true, "deletion_window_in_days": 30})

compliant_aurora(name) := resource("aws_rds_cluster", name, {
	"engine": "aurora-postgresql",
	"storage_encrypted": true,
	"kms_key_id": ref("aws_kms_key", "data", "arn"),
	"deletion_protection": true,
})

compliant_cache(name) := resource("aws_elasticache_replication_group", name, {
	"description": "orders cache",
	"at_rest_encryption_enabled": "true",
	"transit_encryption_enabled": true,
})

compliant_kafka(name) := resource("aws_msk_cluster", name, {
	"cluster_name": name,
	"encryption_info": {
		"encryption_at_rest_kms_key_arn": ref("aws_kms_key", "data", "arn"),
		"encryption_in_transit": {"client_broker": "TLS", "in_cluster": true},
	},
})
