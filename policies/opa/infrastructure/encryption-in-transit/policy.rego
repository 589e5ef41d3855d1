# METADATA
# title: Data moves encrypted in transit
# description: Clients, brokers and replication streams cross availability zones and, for a two-region application, the public backbone between regions; cache, Kafka, S3 and load balancer traffic that is not TLS can be read or altered on the way. Every bucket therefore refuses plain HTTP in its policy, caches and Kafka brokers require TLS, and listeners serve HTTPS or TLS (plain HTTP only to redirect to HTTPS).
# custom:
#   severity: high
#   remediation: Turn on the TLS setting named in the finding in its construct under modules/terraform (for a bucket, a policy statement that denies s3:* when aws:SecureTransport is false; for a listener, HTTPS with a certificate, or a redirect to HTTPS), re-synthesise, and commit generated/.
package multiregion.policies.infrastructure.encryption_in_transit

import data.multiregion.lib.terraform as tf

deny contains {
	"message": sprintf("%s.transit_encryption_enabled is %s, expected true", [group.address, tf.attribute_text(group.config, "transit_encryption_enabled")]),
	"location": tf.attribute_location(group, "transit_encryption_enabled"),
} if {
	some group in tf.resources("aws_elasticache_replication_group")
	not tf.global_datastore_member(group)
	not tf.is_true(object.get(group.config, "transit_encryption_enabled", null))
}

client_broker(cluster) := tf.values_at(cluster.config, ["encryption_info", "encryption_in_transit", "client_broker"])

# The provider defaults client_broker to TLS, but a review cannot tell a default from an omission
# that later changes, so the setting must be written out.
deny contains {
	"message": sprintf("%s.encryption_info.encryption_in_transit.client_broker is %s, expected \"TLS\"", [cluster.address, found]),
	"location": tf.attribute_location(cluster, "encryption_info.encryption_in_transit.client_broker"),
} if {
	some cluster in tf.resources("aws_msk_cluster")
	client_broker(cluster) != {"TLS"}
	found := tf.describe_values(client_broker(cluster))
}

deny contains {
	"message": sprintf("%s.encryption_info.encryption_in_transit.in_cluster is false, expected true (or not set, which means true)", [cluster.address]),
	"location": tf.attribute_location(cluster, "encryption_info.encryption_in_transit.in_cluster"),
} if {
	some cluster in tf.resources("aws_msk_cluster")
	some in_cluster in tf.values_at(cluster.config, ["encryption_info", "encryption_in_transit", "in_cluster"])
	tf.is_false(in_cluster)
}

denies_insecure_transport(statement) if {
	lower(statement.effect) == "deny"
	some condition in statement.conditions
	lower(condition.test) in {"bool", "boolifexists"}
	lower(condition.variable) == "aws:securetransport"
	some value in condition.values
	lower(value) == "false"
}

tls_only(bucket_policy) if {
	some statement in tf.policy_statements(object.get(bucket_policy.config, "policy", null), bucket_policy.stack)
	denies_insecure_transport(statement)
}

deny contains {
	"message": sprintf("%s has no aws_s3_bucket_policy naming it in its bucket attribute, expected one that denies requests when aws:SecureTransport is false", [bucket.address]),
	"location": tf.location(bucket),
} if {
	some bucket in tf.resources("aws_s3_bucket")
	count(tf.bucket_attachments(bucket, "aws_s3_bucket_policy")) == 0
}

# A policy written as a Terraform expression other than JSON text or a policy document data source
# (e.g. jsonencode) cannot be read here and is reported the same way, so it gets looked at.
deny contains {
	"message": sprintf("%s (the policy of %s) has no Deny statement with a Bool condition aws:SecureTransport = \"false\", expected one so that plain-HTTP requests are refused", [bucket_policy.address, bucket.address]),
	"location": tf.attribute_location(bucket_policy, "policy"),
} if {
	some bucket in tf.resources("aws_s3_bucket")
	some bucket_policy in tf.bucket_attachments(bucket, "aws_s3_bucket_policy")
	not tls_only(bucket_policy)
}

listener_types := {"aws_lb_listener", "aws_alb_listener"}

# Application load balancers default to HTTP when no protocol is given.
protocol(listener) := upper(listener.config.protocol) if {
	is_string(listener.config.protocol)
} else := "HTTP"

protocol_text(listener) := json.marshal(listener.config.protocol) if {
	is_string(listener.config.protocol)
} else := "not set (HTTP by default)"

redirects_to_https(action) if {
	lower(object.get(action, "type", "")) == "redirect"
	some redirect in tf.blocks(object.get(action, "redirect", null))
	upper(object.get(redirect, "protocol", "")) == "HTTPS"
}

only_redirects_to_https(listener) if {
	actions := tf.blocks(object.get(listener.config, "default_action", null))
	count(actions) > 0
	every action in actions {
		redirects_to_https(action)
	}
}

deny contains {
	"message": sprintf("%s.protocol is %s, expected \"HTTPS\" or \"TLS\" (plain HTTP only with a default_action that redirects to HTTPS)", [listener.address, found]),
	"location": tf.attribute_location(listener, "protocol"),
} if {
	some type in listener_types
	some listener in tf.resources(type)
	not protocol(listener) in {"HTTPS", "TLS"}
	not http_redirect(listener)
	found := protocol_text(listener)
}

http_redirect(listener) if {
	protocol(listener) == "HTTP"
	only_redirects_to_https(listener)
}
