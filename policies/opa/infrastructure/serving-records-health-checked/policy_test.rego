package multiregion.policies.infrastructure.serving_records_health_checked_test

import data.multiregion.policies.infrastructure.serving_records_health_checked as policy
import data.multiregion.test.terraform as builders

health_check := builders.ref("aws_route53_health_check", "east", "id")

weighted(weight) := {"name": "api.example.com", "type": "CNAME", "ttl": 60, "records": ["api-use1.example.com"], "set_identifier": "us-east-1", "weighted_routing_policy": {"weight": weight}}

global_location(name) := {"file": builders.file("global"), "path": sprintf("resource.aws_route53_record.%s.health_check_id", [name])}

test_no_terraform_passes if {
	count(policy.deny) == 0 with input as builders.with_stacks({})
}

test_health_checked_weighted_record_passes if {
	resources := builders.resource("aws_route53_record", "east", object.union(weighted(50), {"health_check_id": health_check}))
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_weighted_record_without_health_check_fires if {
	findings := policy.deny with input as builders.with_stacks({"global": {"resource": builders.resource("aws_route53_record", "record-us-east-1_3513A728", weighted(50))}})
	builders.locations(findings) == {global_location("record-us-east-1_3513A728")}
	builders.messages(findings) == {"aws_route53_record.record-us-east-1_3513A728 (weighted_routing_policy with weight 50) has no health_check_id and no alias with evaluate_target_health true, expected a health check so Route 53 stops answering with an unhealthy endpoint"}
}

test_weight_in_a_list_shaped_block_fires if {
	record := object.union(weighted(50), {"weighted_routing_policy": [{"weight": "100"}]})
	findings := policy.deny with input as builders.with_resources(builders.resource("aws_route53_record", "east", record))
	builders.messages(findings) == {"aws_route53_record.east (weighted_routing_policy with weight \"100\") has no health_check_id and no alias with evaluate_target_health true, expected a health check so Route 53 stops answering with an unhealthy endpoint"}
}

test_drained_weighted_record_passes if {
	count(policy.deny) == 0 with input as builders.with_resources(builders.resource("aws_route53_record", "east", weighted(0)))
}

test_weight_from_a_variable_counts_as_serving if {
	findings := policy.deny with input as builders.with_resources(builders.resource("aws_route53_record", "east", weighted("${var.weight}")))
	builders.locations(findings) == {builders.attribute_location("aws_route53_record", "east", "health_check_id")}
}

test_empty_health_check_id_fires if {
	record := object.union(weighted(50), {"health_check_id": ""})
	findings := policy.deny with input as builders.with_resources(builders.resource("aws_route53_record", "east", record))
	count(findings) == 1
}

test_latency_and_failover_records_without_health_checks_fire if {
	resources := object.union(
		builders.resource("aws_route53_record", "latency", {"name": "api.example.com", "type": "A", "set_identifier": "east", "latency_routing_policy": [{"region": "us-east-1"}], "records": ["192.0.2.1"]}),
		builders.resource("aws_route53_record", "failover", {"name": "api.example.com", "type": "A", "set_identifier": "east", "failover_routing_policy": {"type": "SECONDARY"}, "records": ["192.0.2.1"]}),
	)
	findings := policy.deny with input as builders.with_resources(resources)
	builders.messages(findings) == {
		"aws_route53_record.latency (latency_routing_policy) has no health_check_id and no alias with evaluate_target_health true, expected a health check so Route 53 stops answering with an unhealthy endpoint",
		"aws_route53_record.failover (failover_routing_policy) has no health_check_id and no alias with evaluate_target_health true, expected a health check so Route 53 stops answering with an unhealthy endpoint",
	}
}

test_alias_evaluating_target_health_passes if {
	record := {"name": "api.example.com", "type": "A", "set_identifier": "east", "latency_routing_policy": {"region": "us-east-1"}, "alias": [{"name": "lb.example.com", "zone_id": "Z1", "evaluate_target_health": true}]}
	count(policy.deny) == 0 with input as builders.with_resources(builders.resource("aws_route53_record", "east", record))
}

test_alias_not_evaluating_target_health_fires if {
	record := {"name": "api.example.com", "type": "A", "set_identifier": "east", "failover_routing_policy": {"type": "PRIMARY"}, "alias": {"name": "lb.example.com", "zone_id": "Z1", "evaluate_target_health": false}}
	findings := policy.deny with input as builders.with_resources(builders.resource("aws_route53_record", "east", record))
	count(findings) == 1
}

test_simple_record_without_health_check_passes if {
	record := {"name": "www.example.com", "type": "CNAME", "ttl": 300, "records": ["api.example.com"]}
	count(policy.deny) == 0 with input as builders.with_resources(builders.resource("aws_route53_record", "www", record))
}
