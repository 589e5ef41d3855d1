package multiregion.classification_test

import data.multiregion.classification
import data.multiregion.test.fixtures

# The good model changed into the head_patch-edited one, touching `paths`, with Terraform changes per stack.
judged(base_patch, head_patch, paths, terraform) := object.union(fixtures.changed(base_patch, head_patch), {"change": {
	"files": [{"path": path, "status": "modified"} | some path in paths],
	"terraform": terraform,
	"manifests": {},
}})

touching(paths) := judged([], [], paths, {})

tf(added, changed, removed) := {"added": added, "changed": changed, "removed": removed}

one_record := tf([], ["aws_route53_record.api"], [])

# A global-stack record whose weight alone changed, which the weight rules judge.
reweighted_record := object.union(one_record, {"attributes": {"aws_route53_record.api": ["weighted_routing_policy"]}})

declare(declaration) := [{"op": "add", "path": "/global/declarations/-", "value": declaration}]

emergency := {
	"kind": "emergency", "name": "payment-outage", "reason": "card payments failing",
	"declaredBy": "@example-org/sre", "approvedBy": "@example-org/cab",
	"start": "2026-11-20T00:00:00.000Z", "end": "2026-11-21T00:00:00.000Z",
}

failover := {
	"kind": "failover", "name": "drill", "from": "us-east-1", "to": "us-west-2", "reason": "quarterly drill",
	"declaredBy": "@example-org/sre", "start": "2026-11-20T00:00:00.000Z", "end": "2026-11-21T00:00:00.000Z",
}

rules(inp) := [r.rule | some r in reasons] if reasons := classification.result.reasons with input as inp

reason_of(inp, rule) := r if {
	reasons := classification.result.reasons with input as inp
	some r in reasons
	r.rule == rule
}

test_no_base_is_no_change if {
	classification.result == {
		"class": "standard",
		"rule": "no-change",
		"reasons": [{"rule": "no-change", "class": "standard", "message": "no base to compare with, so nothing is being changed"}],
	} with input as fixtures.good
}

test_change_without_files_is_no_change if {
	classification.result.reasons == [{"rule": "no-change", "class": "standard", "message": "the change touches no files"}] with input as touching([])
}

test_app_rollout_is_standard if {
	classification.result == {
		"class": "standard",
		"rule": "apps-only",
		"reasons": [{"rule": "apps-only", "class": "standard", "message": "3 changed files, all under apps/, app folders of generated/k8s/ or docs/; app rollouts are canary-protected"}],
	} with input as touching(["apps/orders-api.ts", "generated/k8s/us-east-1/orders-api/rollout-orders-api.yaml", "docs/runbook.md"])
}

test_region_wide_manifests_are_not_apps_only if {
	every folder in ["_cluster", "argocd", "monitoring"] {
		not "apps-only" in rules(touching(["apps/orders-api.ts", sprintf("generated/k8s/us-east-1/%s/x.yaml", [folder])]))
	}
}

test_app_change_with_terraform_is_not_apps_only if {
	inp := judged([], [], ["apps/orders-api.ts", "generated/terraform/us-east-1/cdk.tf.json"], {"us-east-1": tf(["aws_iam_role.orders_api"], [], [])})
	rules(inp) == ["single-region-infrastructure"]
}

test_one_region_stack_is_normal if {
	inp := judged([], [], ["generated/terraform/us-west-2/cdk.tf.json"], {"us-west-2": tf(["aws_subnet.a"], ["aws_vpc.main"], []), "us-east-1": tf([], [], [])})
	classification.result == {
		"class": "normal",
		"rule": "single-region-infrastructure",
		"reasons": [{"rule": "single-region-infrastructure", "class": "normal", "message": "Terraform changes only the us-west-2 stack (1 added, 1 changed, 0 removed)"}],
	} with input as inp
}

test_one_region_stack_with_global_is_not_single_region if {
	inp := judged([], fixtures.weights(40, 60), ["modules/terraform/traffic.ts"], {"us-west-2": one_record, "global": reweighted_record})
	rules(inp) == ["weight-shift-within-limit"]
}

test_record_weight_change_without_a_model_weight_change_counts_as_routing if {
	inp := judged([], [], ["modules/terraform/traffic.ts"], {"global": reweighted_record})
	"global-routing-infrastructure" in rules(inp)
}

test_accelerator_endpoint_change_needs_cab_even_with_a_weight_change if {
	group := "aws_globalaccelerator_endpoint_group.us_east_1"
	inp := judged([], fixtures.weights(40, 60), ["generated/terraform/global/cdk.tf.json"], {"global": {"added": [], "changed": [group], "removed": [], "attributes": {group: ["endpoint_configuration"]}}})
	classification.result.rule == "global-routing-infrastructure" with input as inp
}

test_two_region_stacks_need_cab if {
	inp := judged([], fixtures.weights(40, 60), ["modules/terraform/network.ts"], {"us-east-1": one_record, "us-west-2": tf([], [], ["aws_subnet.a"]), "global": reweighted_record})
	classification.result.rule == "cross-region-infrastructure" with input as inp
	reason_of(inp, "cross-region-infrastructure") == {
		"rule": "cross-region-infrastructure", "class": "cab-required",
		"message": "Terraform changes 2 region stacks (global (0 added, 1 changed, 0 removed), us-east-1 (0 added, 1 changed, 0 removed), us-west-2 (0 added, 0 changed, 1 removed)); cross-region changes need CAB approval",
	}
}

test_small_weight_shift_is_normal if {
	inp := judged(fixtures.weights(50, 50), fixtures.weights(30, 70), ["regions/us-east-1.ts", "regions/us-west-2.ts"], {})
	classification.result == {
		"class": "normal",
		"rule": "weight-shift-within-limit",
		"reasons": [{"rule": "weight-shift-within-limit", "class": "normal", "message": "moves 20 weight points (us-east-1 50→30, us-west-2 50→70), within the limit of 25"}],
	} with input as inp
}

test_large_weight_shift_needs_cab if {
	inp := judged(fixtures.weights(50, 50), fixtures.weights(10, 90), ["regions/us-east-1.ts", "regions/us-west-2.ts"], {})
	classification.result == {
		"class": "cab-required",
		"rule": "weight-shift-beyond-limit",
		"reasons": [{"rule": "weight-shift-beyond-limit", "class": "cab-required", "message": "moves 40 weight points (us-east-1 50→10, us-west-2 50→90), beyond the limit of 25"}],
	} with input as inp
}

test_raising_the_limit_in_the_same_change_does_not_count if {
	raise := array.concat(fixtures.weights(10, 90), [{"op": "replace", "path": "/global/changeControl/maxWeightShiftPoints", "value": 50}])
	inp := judged(fixtures.weights(50, 50), raise, ["regions/global.yaml", "regions/us-east-1.ts", "regions/us-west-2.ts"], {})
	classification.result.rule == "weight-shift-beyond-limit" with input as inp
}

test_read_only_secondary_is_normal if {
	inp := judged([], [{"op": "replace", "path": "/regions/1/readOnly", "value": true}], ["regions/us-west-2.ts"], {})
	classification.result == {
		"class": "normal",
		"rule": "secondary-read-only",
		"reasons": [{"rule": "secondary-read-only", "class": "normal", "message": "us-west-2 readOnly false→true"}],
	} with input as inp
}

test_read_only_primary_needs_cab if {
	inp := judged([], [{"op": "replace", "path": "/regions/0/readOnly", "value": true}], ["regions/us-east-1.ts"], {})
	classification.result == {
		"class": "cab-required",
		"rule": "primary-read-only",
		"reasons": [{"rule": "primary-read-only", "class": "cab-required", "message": "us-east-1 readOnly false→true"}],
	} with input as inp
}

test_role_swap_is_a_failover if {
	swap := [
		{"op": "replace", "path": "/regions/0/role", "value": "secondary"},
		{"op": "replace", "path": "/regions/1/role", "value": "primary"},
	]
	inp := judged([], swap, ["regions/us-east-1.ts", "regions/us-west-2.ts"], {})
	classification.result == {
		"class": "cab-required",
		"rule": "failover",
		"reasons": [{"rule": "failover", "class": "cab-required", "message": "us-east-1 role primary→secondary; us-west-2 role secondary→primary"}],
	} with input as inp
}

test_declared_failover_makes_any_change_cab_required if {
	inp := judged([], declare(failover), ["docs/runbook.md"], {})
	classification.result == {
		"class": "cab-required",
		"rule": "failover",
		"reasons": [
			{"rule": "failover", "class": "cab-required", "message": "failover declaration drill (us-east-1 → us-west-2, until 2026-11-21T00:00:00.000Z) is in force"},
			{"rule": "apps-only", "class": "standard", "message": "1 changed file, all under apps/, app folders of generated/k8s/ or docs/; app rollouts are canary-protected"},
		],
	} with input as inp
}

test_removing_a_database_needs_cab if {
	removed := ["aws_rds_cluster.orders", "module.cache.aws_elasticache_replication_group.sessions", "aws_route53_record.api", "data.aws_kms_key.shared"]
	inp := judged([], [], ["modules/terraform/database.ts"], {"us-east-1": tf([], [], removed)})
	reason_of(inp, "stateful-resource-removed") == {
		"rule": "stateful-resource-removed", "class": "cab-required",
		"message": "removes 2 stateful resources, whose data a later apply cannot restore: us-east-1: aws_rds_cluster.orders, us-east-1: module.cache.aws_elasticache_replication_group.sessions",
	}
	rules(inp) == ["stateful-resource-removed", "single-region-infrastructure"]
}

test_removing_stateless_resources_is_not_stateful if {
	inp := judged([], [], ["modules/terraform/network.ts"], {"us-east-1": tf([], [], ["aws_subnet.a", "data.aws_s3_bucket.logs"])})
	rules(inp) == ["single-region-infrastructure"]
}

test_adding_a_region_needs_cab if {
	inp := judged([], [{"op": "add", "path": "/regions/-", "value": fixtures.region("eu-west-1", "secondary", 0)}], ["regions/eu-west-1.ts"], {})
	classification.result == {
		"class": "cab-required",
		"rule": "region-added-or-removed",
		"reasons": [{"rule": "region-added-or-removed", "class": "cab-required", "message": "adds region eu-west-1"}],
	} with input as inp
}

test_removing_a_region_needs_cab if {
	inp := judged([], [{"op": "remove", "path": "/regions/1"}, {"op": "replace", "path": "/regions/0/traffic/weight", "value": 100}], ["regions/us-west-2.ts", "regions/us-east-1.ts"], {})
	reason_of(inp, "region-added-or-removed").message == "removes region us-west-2"
	classification.result.class == "cab-required" with input as inp
}

test_replication_rules_change_needs_cab if {
	classification.result == {
		"class": "cab-required",
		"rule": "replication-rules-changed",
		"reasons": [{"rule": "replication-rules-changed", "class": "cab-required", "message": "regions/replication-rules.yaml changes: replication modes, RPOs and residency of the data sets"}],
	} with input as touching(["regions/replication-rules.yaml"])
}

test_changing_the_judge_needs_cab if {
	classification.result == {
		"class": "cab-required",
		"rule": "policy-changed",
		"reasons": [{"rule": "policy-changed", "class": "cab-required", "message": "changes the rules that judge changes: CODEOWNERS, policies/waivers.yaml"}],
	} with input as touching(["policies/waivers.yaml", "CODEOWNERS"])
}

test_many_policy_files_are_counted if {
	paths := [sprintf("policies/opa/traffic/p%d/policy.rego", [n]) | some n in numbers.range(1, 7)]
	reason_of(touching(paths), "policy-changed").message == "changes the rules that judge changes: policies/opa/traffic/p1/policy.rego, policies/opa/traffic/p2/policy.rego, policies/opa/traffic/p3/policy.rego, policies/opa/traffic/p4/policy.rego, policies/opa/traffic/p5/policy.rego and 2 more"
}

test_declared_emergency_is_an_emergency if {
	inp := judged([], declare(emergency), ["regions/global.yaml", "package.json"], {})
	classification.result == {
		"class": "emergency",
		"rule": "emergency",
		"reasons": [{"rule": "emergency", "class": "emergency", "message": "emergency declaration payment-outage (approved by @example-org/cab, until 2026-11-21T00:00:00.000Z) is in force"}],
	} with input as inp
}

test_emergency_without_a_change_is_no_change if {
	classification.result.rule == "no-change" with input as fixtures.with_model(declare(emergency))
}

test_unclassified_files_are_a_normal_change if {
	classification.result == {
		"class": "normal",
		"rule": "other-change",
		"reasons": [{"rule": "other-change", "class": "normal", "message": "2 changed files, none covered by a more specific rule: package.json, schemas/global.ts"}],
	} with input as touching(["schemas/global.ts", "package.json"])
}

test_reasons_run_from_highest_class_then_by_rule if {
	inp := judged(
		fixtures.weights(50, 50),
		array.concat(fixtures.weights(40, 60), declare(emergency)),
		["regions/us-east-1.ts", "regions/us-west-2.ts", "policies/waivers.yaml", "generated/terraform/us-east-1/cdk.tf.json", "generated/terraform/us-west-2/cdk.tf.json"],
		{"us-east-1": one_record, "us-west-2": one_record},
	)
	rules(inp) == ["emergency", "cross-region-infrastructure", "policy-changed", "weight-shift-within-limit"]
	classification.result.class == "emergency" with input as inp
}

test_first_rule_of_the_highest_class_names_the_change if {
	inp := judged(
		[],
		[{"op": "replace", "path": "/regions/0/readOnly", "value": true}, {"op": "replace", "path": "/regions/1/readOnly", "value": true}],
		["regions/us-east-1.ts", "regions/us-west-2.ts", "regions/replication-rules.yaml"],
		{},
	)
	rules(inp) == ["primary-read-only", "replication-rules-changed", "secondary-read-only"]
	classification.result.class == "cab-required" with input as inp
	classification.result.rule == "primary-read-only" with input as inp
}

test_making_a_promoted_region_writable_is_a_primary_read_only_change if {
	inp := judged(
		[{"op": "replace", "path": "/regions/1/readOnly", "value": true}],
		[
			{"op": "replace", "path": "/regions/0/role", "value": "secondary"},
			{"op": "replace", "path": "/regions/1/role", "value": "primary"},
		],
		["regions/us-east-1.ts", "regions/us-west-2.ts"],
		{},
	)
	rules(inp) == ["failover", "primary-read-only"]
	reason_of(inp, "primary-read-only").message == "us-west-2 readOnly true→false"
}

test_global_weight_only_change_is_left_to_the_weight_rules if {
	record := "aws_route53_record.traffic_record-us-east-1_3513A728"
	inp := judged([], fixtures.weights(40, 60), ["regions/us-east-1.ts", "generated/terraform/global/cdk.tf.json"], {"global": {"added": [], "changed": [record], "removed": [], "attributes": {record: ["weighted_routing_policy"]}}})
	not "global-routing-infrastructure" in rules(inp)
	classification.result.class == "normal" with input as inp
}

test_global_health_check_change_needs_cab if {
	check := "aws_route53_health_check.traffic_health-us-east-1_EE6E4F7B"
	inp := judged([], [], ["generated/terraform/global/cdk.tf.json"], {"global": {"added": [], "changed": [check], "removed": [], "attributes": {check: ["failure_threshold"]}}})
	reason_of(inp, "global-routing-infrastructure") == {
		"rule": "global-routing-infrastructure",
		"class": "cab-required",
		"message": "the global stack routes every region's traffic and this change changes aws_route53_health_check.traffic_health-us-east-1_EE6E4F7B (failure_threshold)",
	}
}

test_global_record_added_needs_cab if {
	inp := judged([], [], ["generated/terraform/global/cdk.tf.json"], {"global": {"added": ["aws_route53_record.api_eu"], "changed": [], "removed": [], "attributes": {}}})
	classification.result.rule == "global-routing-infrastructure" with input as inp
}

test_global_change_without_attribute_detail_counts_as_routing if {
	inp := judged([], [], ["generated/terraform/global/cdk.tf.json"], {"global": one_record})
	"global-routing-infrastructure" in rules(inp)
}
