# METADATA
# title: Serving DNS records are health checked
# description: Route 53 only stops answering with a region's endpoint when the record has a health check (or an alias that evaluates its target's health). A weighted record with traffic, a latency record or a failover record without one keeps sending users to a region that is down, which defeats the failover the two regions exist for.
# custom:
#   severity: critical
#   remediation: Give the record a health_check_id pointing at the region's aws_route53_health_check (or, for an alias record, alias.evaluate_target_health true) in modules/terraform/traffic-routing.ts; re-synthesise and commit generated/.
package multiregion.policies.infrastructure.serving_records_health_checked

import data.multiregion.lib.terraform as tf

# A weight Terraform only knows at apply time might be positive, so it counts as serving.
serving_weight(record) if {
	some policy in tf.blocks(object.get(record.config, "weighted_routing_policy", null))
	not drained(object.get(policy, "weight", null))
}

drained(weight) if tf.number(weight) <= 0

routing(record) := sprintf("weighted_routing_policy with weight %s", [tf.describe_values(tf.values_at(record.config, ["weighted_routing_policy", "weight"]))]) if {
	serving_weight(record)
} else := "latency_routing_policy" if {
	count(tf.blocks(object.get(record.config, "latency_routing_policy", null))) > 0
} else := "failover_routing_policy" if {
	count(tf.blocks(object.get(record.config, "failover_routing_policy", null))) > 0
}

health_checked(record) if tf.present(object.get(record.config, "health_check_id", null))

health_checked(record) if {
	some alias in tf.blocks(object.get(record.config, "alias", null))
	tf.is_true(object.get(alias, "evaluate_target_health", null))
}

deny contains {
	"message": sprintf("%s (%s) has no health_check_id and no alias with evaluate_target_health true, expected a health check so Route 53 stops answering with an unhealthy endpoint", [record.address, routing(record)]),
	"location": tf.attribute_location(record, "health_check_id"),
} if {
	some record in tf.resources("aws_route53_record")
	routing(record)
	not health_checked(record)
}
