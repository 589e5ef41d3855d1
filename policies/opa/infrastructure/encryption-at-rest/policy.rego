# METADATA
# title: Data stores and keys are encrypted at rest
# description: Order data, cached sessions, event streams, secrets and logs are copied to a second region and kept there; a disk, snapshot or replica that is not encrypted with a KMS key leaks it to anyone who reaches the storage, and KMS keys (not AWS-owned defaults) are what let access be audited and revoked per region. Keys that never rotate widen what one leaked key exposes. The one exception is a bucket the S3 logging service writes server access logs to, which AWS allows only SSE-S3 (AES256).
# custom:
#   severity: critical
#   remediation: Give the resource the encryption setting named in the finding in its construct under modules/terraform (a KMS key ARN where a key is asked for), re-synthesise, and commit generated/.
package multiregion.policies.infrastructure.encryption_at_rest

import data.multiregion.lib.terraform as tf

kms_algorithms := {"aws:kms", "aws:kms:dsse"}

sse_type := "aws_s3_bucket_server_side_encryption_configuration"

sse_algorithms(configuration) := tf.values_at(configuration.config, ["rule", "apply_server_side_encryption_by_default", "sse_algorithm"])

encrypts_with_kms(configuration) if {
	some algorithm in sse_algorithms(configuration)
	algorithm in kms_algorithms
}

deny contains {
	"message": sprintf("%s has no %s naming it in its bucket attribute, expected one with sse_algorithm \"aws:kms\" or \"aws:kms:dsse\"", [bucket.address, sse_type]),
	"location": tf.location(bucket),
} if {
	some bucket in tf.resources("aws_s3_bucket")
	count(tf.bucket_attachments(bucket, sse_type)) == 0
}

# The finding goes to the encryption configuration, since that is what has to change.
deny contains {
	"message": sprintf("%s encrypts %s with sse_algorithm %s, expected \"aws:kms\" or \"aws:kms:dsse\"", [configuration.address, bucket.address, tf.describe_values(sse_algorithms(configuration))]),
	"location": tf.attribute_location(configuration, "rule"),
} if {
	some bucket in tf.resources("aws_s3_bucket")
	some configuration in tf.bucket_attachments(bucket, sse_type)
	not encrypts_with_kms(configuration)
	not s3_managed_log_target(bucket, configuration)
}

# AWS refuses SSE-KMS default encryption on the target bucket of S3 server access logs (and of load
# balancer logs), so a bucket whose policy lets the S3 logging service write into it is held to SSE-S3
# instead: still encrypted at rest, with keys AWS manages.
s3_managed_log_target(bucket, configuration) if {
	sse_algorithms(configuration) == {"AES256"}
	some bucket_policy in tf.bucket_attachments(bucket, "aws_s3_bucket_policy")
	some statement in tf.policy_statements(object.get(bucket_policy.config, "policy", null), bucket_policy.stack)
	lower(statement.effect) == "allow"
	"logging.s3.amazonaws.com" in statement.service_principals
}

deny contains {
	"message": sprintf("%s.storage_encrypted is %s, expected true", [cluster.address, tf.attribute_text(cluster.config, "storage_encrypted")]),
	"location": tf.attribute_location(cluster, "storage_encrypted"),
} if {
	some cluster in tf.resources("aws_rds_cluster")
	not tf.is_true(object.get(cluster.config, "storage_encrypted", null))
}

deny contains {
	"message": sprintf("%s.kms_key_id is %s, expected a customer-managed KMS key ARN", [cluster.address, tf.attribute_text(cluster.config, "kms_key_id")]),
	"location": tf.attribute_location(cluster, "kms_key_id"),
} if {
	some cluster in tf.resources("aws_rds_cluster")
	not tf.present(object.get(cluster.config, "kms_key_id", null))
}

deny contains {
	"message": sprintf("%s.at_rest_encryption_enabled is %s, expected true", [group.address, tf.attribute_text(group.config, "at_rest_encryption_enabled")]),
	"location": tf.attribute_location(group, "at_rest_encryption_enabled"),
} if {
	some group in tf.resources("aws_elasticache_replication_group")
	not tf.global_datastore_member(group)
	not tf.is_true(object.get(group.config, "at_rest_encryption_enabled", null))
}

# The member's copy is still encrypted with a key of its own region, which it must name.
deny contains {
	"message": sprintf("%s joins a global datastore without kms_key_id, expected the region's customer-managed KMS key ARN", [group.address]),
	"location": tf.attribute_location(group, "kms_key_id"),
} if {
	some group in tf.resources("aws_elasticache_replication_group")
	tf.global_datastore_member(group)
	not tf.present(object.get(group.config, "kms_key_id", null))
}

msk_kms_keys(cluster) := {key | some key in tf.values_at(cluster.config, ["encryption_info", "encryption_at_rest_kms_key_arn"]); tf.present(key)}

deny contains {
	"message": sprintf("%s.encryption_info.encryption_at_rest_kms_key_arn is not set, expected a customer-managed KMS key ARN (MSK otherwise uses an AWS-managed key)", [cluster.address]),
	"location": tf.attribute_location(cluster, "encryption_info.encryption_at_rest_kms_key_arn"),
} if {
	some cluster in tf.resources("aws_msk_cluster")
	count(msk_kms_keys(cluster)) == 0
}

deny contains {
	"message": sprintf("%s.enable_key_rotation is %s, expected true", [key.address, tf.attribute_text(key.config, "enable_key_rotation")]),
	"location": tf.attribute_location(key, "enable_key_rotation"),
} if {
	some key in tf.resources("aws_kms_key")
	not tf.is_true(object.get(key.config, "enable_key_rotation", null))
}

encrypts_secrets(cluster) if "secrets" in tf.values_at(cluster.config, ["encryption_config", "resources"])

deny contains {
	"message": sprintf("%s has no encryption_config covering \"secrets\", expected envelope encryption of Kubernetes secrets with a KMS key", [cluster.address]),
	"location": tf.attribute_location(cluster, "encryption_config"),
} if {
	some cluster in tf.resources("aws_eks_cluster")
	not encrypts_secrets(cluster)
}

deny contains {
	"message": sprintf("%s.kms_key_id is %s, expected a KMS key ARN", [group.address, tf.attribute_text(group.config, "kms_key_id")]),
	"location": tf.attribute_location(group, "kms_key_id"),
} if {
	some group in tf.resources("aws_cloudwatch_log_group")
	not tf.present(object.get(group.config, "kms_key_id", null))
}

deny contains {
	"message": sprintf("%s.kms_master_key_id is %s, expected a KMS key ARN or alias", [topic.address, tf.attribute_text(topic.config, "kms_master_key_id")]),
	"location": tf.attribute_location(topic, "kms_master_key_id"),
} if {
	some topic in tf.resources("aws_sns_topic")
	not tf.present(object.get(topic.config, "kms_master_key_id", null))
}
