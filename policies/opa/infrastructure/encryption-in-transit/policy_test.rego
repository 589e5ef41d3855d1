package multiregion.policies.infrastructure.encryption_in_transit_test

import data.multiregion.policies.infrastructure.encryption_in_transit as policy
import data.multiregion.test.terraform as builders

test_no_terraform_passes if {
	count(policy.deny) == 0 with input as builders.with_stacks({})
}

test_tls_everywhere_passes if {
	resources := builders.merge([
		builders.compliant_bucket("documents"),
		builders.compliant_cache("sessions"),
		builders.compliant_kafka("events"),
		builders.resource("aws_lb_listener", "https", {"protocol": "HTTPS", "port": 443, "certificate_arn": "arn", "default_action": [{"type": "forward", "target_group_arn": "arn"}]}),
		builders.resource("aws_lb_listener", "tls", {"protocol": "TLS", "port": 443, "default_action": {"type": "forward"}}),
		builders.resource("aws_lb_listener", "http", {"protocol": "HTTP", "port": 80, "default_action": [{"type": "redirect", "redirect": [{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}]}]}),
	])
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_global_datastore_member_inherits_transit_encryption if {
	resources := builders.resource("aws_elasticache_replication_group", "sessions", {"global_replication_group_id": "ldgnf-orders-sessions"})
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_cache_without_transit_encryption_fires if {
	resources := builders.resource("aws_elasticache_replication_group", "sessions", {"at_rest_encryption_enabled": "true"})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_elasticache_replication_group", "sessions", "transit_encryption_enabled")}
	builders.messages(findings) == {"aws_elasticache_replication_group.sessions.transit_encryption_enabled is not set, expected true"}
}

test_kafka_plaintext_clients_and_brokers_fire if {
	resources := builders.resource("aws_msk_cluster", "events", {"encryption_info": [{"encryption_in_transit": [{"client_broker": "TLS_PLAINTEXT", "in_cluster": false}]}]})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {
		builders.attribute_location("aws_msk_cluster", "events", "encryption_info.encryption_in_transit.client_broker"),
		builders.attribute_location("aws_msk_cluster", "events", "encryption_info.encryption_in_transit.in_cluster"),
	}
	builders.messages(findings) == {
		"aws_msk_cluster.events.encryption_info.encryption_in_transit.client_broker is \"TLS_PLAINTEXT\", expected \"TLS\"",
		"aws_msk_cluster.events.encryption_info.encryption_in_transit.in_cluster is false, expected true (or not set, which means true)",
	}
}

test_kafka_without_explicit_client_broker_fires if {
	findings := policy.deny with input as builders.with_resources(builders.resource("aws_msk_cluster", "events", {"cluster_name": "events"}))
	builders.messages(findings) == {"aws_msk_cluster.events.encryption_info.encryption_in_transit.client_broker is not set, expected \"TLS\""}
}

test_bucket_without_policy_fires_on_the_bucket if {
	resources := json.remove(builders.compliant_bucket("documents"), ["aws_s3_bucket_policy"])
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.location("aws_s3_bucket", "documents")}
	builders.messages(findings) == {"aws_s3_bucket.documents has no aws_s3_bucket_policy naming it in its bucket attribute, expected one that denies requests when aws:SecureTransport is false"}
}

test_bucket_policy_without_secure_transport_deny_fires_on_the_policy if {
	allow_only := json.marshal({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "*"}})
	resources := object.union(builders.compliant_bucket("documents"), builders.resource("aws_s3_bucket_policy", "documents", {"policy": allow_only}))
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_s3_bucket_policy", "documents", "policy")}
	builders.messages(findings) == {"aws_s3_bucket_policy.documents (the policy of aws_s3_bucket.documents) has no Deny statement with a Bool condition aws:SecureTransport = \"false\", expected one so that plain-HTTP requests are refused"}
}

test_secure_transport_condition_on_an_allow_does_not_count if {
	statement := object.union(builders.tls_only_statement("documents"), {"Effect": "Allow"})
	resources := object.union(builders.compliant_bucket("documents"), builders.resource("aws_s3_bucket_policy", "documents", {"policy": json.marshal({"Statement": [statement]})}))
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_s3_bucket_policy", "documents", "policy")}
}

test_secure_transport_as_json_boolean_passes if {
	statement := object.union(builders.tls_only_statement("documents"), {"Condition": {"Bool": {"aws:SecureTransport": false}}})
	resources := object.union(builders.compliant_bucket("documents"), builders.resource("aws_s3_bucket_policy", "documents", {"policy": json.marshal({"Statement": statement})}))
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

tls_only_document := {"statement": [
	{"sid": "ReadFromApp", "actions": ["s3:GetObject"], "resources": ["*"]},
	{
		"sid": "DenyInsecureTransport",
		"effect": "Deny",
		"actions": ["s3:*"],
		"resources": ["*"],
		"principals": [{"type": "*", "identifiers": ["*"]}],
		"condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
	},
]}

test_bucket_policy_from_a_policy_document_data_source_passes if {
	resources := object.union(builders.compliant_bucket("documents"), builders.resource("aws_s3_bucket_policy", "documents", {"policy": builders.data_ref("aws_iam_policy_document", "documents", "json")}))
	config := {"resource": resources, "data": builders.resource("aws_iam_policy_document", "documents", tls_only_document)}
	count(policy.deny) == 0 with input as builders.with_config(config)
}

test_policy_document_data_source_without_the_deny_fires if {
	resources := object.union(builders.compliant_bucket("documents"), builders.resource("aws_s3_bucket_policy", "documents", {"policy": builders.data_ref("aws_iam_policy_document", "documents", "json")}))
	document := {"statement": {"actions": ["s3:GetObject"], "resources": ["*"]}}
	config := {"resource": resources, "data": builders.resource("aws_iam_policy_document", "documents", document)}
	findings := policy.deny with input as builders.with_config(config)
	builders.locations(findings) == {builders.attribute_location("aws_s3_bucket_policy", "documents", "policy")}
}

test_policy_document_of_another_stack_does_not_count if {
	resources := object.union(builders.compliant_bucket("documents"), builders.resource("aws_s3_bucket_policy", "documents", {"policy": builders.data_ref("aws_iam_policy_document", "documents", "json")}))
	findings := policy.deny with input as builders.with_stacks({
		"us-east-1": {"resource": resources},
		"us-west-2": {"data": builders.resource("aws_iam_policy_document", "documents", tls_only_document)},
	})
	builders.locations(findings) == {builders.attribute_location("aws_s3_bucket_policy", "documents", "policy")}
}

test_plain_http_listener_fires if {
	resources := builders.resource("aws_lb_listener", "web", {"protocol": "HTTP", "port": 80, "default_action": [{"type": "forward", "target_group_arn": "arn"}]})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_lb_listener", "web", "protocol")}
	builders.messages(findings) == {"aws_lb_listener.web.protocol is \"HTTP\", expected \"HTTPS\" or \"TLS\" (plain HTTP only with a default_action that redirects to HTTPS)"}
}

test_listener_without_protocol_is_plain_http if {
	resources := builders.resource("aws_lb_listener", "web", {"port": 80, "default_action": {"type": "forward"}})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.messages(findings) == {"aws_lb_listener.web.protocol is not set (HTTP by default), expected \"HTTPS\" or \"TLS\" (plain HTTP only with a default_action that redirects to HTTPS)"}
}

test_redirect_that_keeps_http_fires if {
	resources := builders.resource("aws_alb_listener", "web", {"protocol": "HTTP", "default_action": {"type": "redirect", "redirect": {"port": "8080", "status_code": "HTTP_302"}}})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_alb_listener", "web", "protocol")}
}

test_plain_tcp_listener_fires if {
	resources := builders.resource("aws_lb_listener", "kafka", {"protocol": "TCP", "port": 9092, "default_action": {"type": "forward"}})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_lb_listener", "kafka", "protocol")}
}
