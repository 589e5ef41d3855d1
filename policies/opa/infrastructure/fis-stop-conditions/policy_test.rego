package multiregion.policies.infrastructure.fis_stop_conditions_test

import data.multiregion.policies.infrastructure.fis_stop_conditions as policy
import data.multiregion.test.terraform as builders

lag_alarm := builders.resource("aws_cloudwatch_composite_alarm", "chaos_replication-lag", {"alarm_name": "orders-us-east-1-replication-lag-any", "alarm_rule": "ALARM(\"a\")"})

error_alarm := builders.resource("aws_cloudwatch_metric_alarm", "chaos_error-rate", {"alarm_name": "orders-us-east-1-error-rate", "threshold": 1})

alarm_condition(type, name) := {"source": "aws:cloudwatch:alarm", "value": builders.ref(type, name, "arn")}

template(stop_conditions) := builders.resource("aws_fis_experiment_template", "chaos_experiment-outage", {
	"description": "Region outage in us-east-1",
	"role_arn": builders.ref("aws_iam_role", "chaos_role", "arn"),
	"action": [{"name": "eks-node-group-loss", "action_id": "aws:eks:terminate-nodegroup-instances"}],
	"stop_condition": stop_conditions,
})

template_location := builders.attribute_location("aws_fis_experiment_template", "chaos_experiment-outage", "stop_condition")

test_stopping_on_the_stacks_lag_and_error_rate_alarms_passes if {
	conditions := [alarm_condition("aws_cloudwatch_composite_alarm", "chaos_replication-lag"), alarm_condition("aws_cloudwatch_metric_alarm", "chaos_error-rate")]
	count(policy.deny) == 0 with input as builders.with_resources(builders.merge([lag_alarm, error_alarm, template(conditions)]))
}

provider(region) := {"aws": [{"region": region, "allowed_account_ids": ["123456789012"]}]}

identity := builders.merge([
	builders.resource("aws_caller_identity", "account", {}),
	builders.resource("aws_partition", "partition", {}),
])

peer_error_alarm := builders.resource("aws_cloudwatch_metric_alarm", "chaos_error-rate", {"alarm_name": "orders-us-west-2-error-rate", "threshold": 1})

arn_condition(arn) := {"source": "aws:cloudwatch:alarm", "value": arn}

# The us-east-1 template stopping on `arn`, beside a us-west-2 stack that defines the survivor's error-rate alarm.
two_regions(arn) := builders.with_stacks({
	"us-east-1": {"provider": provider("us-east-1"), "data": identity, "resource": builders.merge([error_alarm, template([arn_condition(arn)])])},
	"us-west-2": {"provider": provider("us-west-2"), "resource": peer_error_alarm},
})

test_the_arn_of_an_alarm_the_surviving_regions_stack_defines_passes if {
	count(policy.deny) == 0 with input as two_regions("arn:aws:cloudwatch:us-west-2:123456789012:alarm:orders-us-west-2-error-rate")
	count(policy.deny) == 0 with input as two_regions("arn:${data.aws_partition.partition.partition}:cloudwatch:us-west-2:${data.aws_caller_identity.account.account_id}:alarm:orders-us-west-2-error-rate")
}

test_the_arn_of_an_alarm_of_its_own_stack_passes if {
	count(policy.deny) == 0 with input as two_regions("arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-us-east-1-error-rate")
}

test_a_written_out_alarm_arn_of_another_account_fires if {
	findings := policy.deny with input as two_regions("arn:aws:cloudwatch:us-west-2:999999999999:alarm:orders-us-west-2-error-rate")
	builders.locations(findings) == {template_location}
	builders.messages(findings) == {"aws_fis_experiment_template.chaos_experiment-outage has a stop_condition with source \"aws:cloudwatch:alarm\" and value \"arn:aws:cloudwatch:us-west-2:999999999999:alarm:orders-us-west-2-error-rate\", expected source \"aws:cloudwatch:alarm\" (never \"none\") with a reference to an alarm of its stack or the ARN, in its stack's account, of an alarm the stack of that region defines"}
}

test_a_written_out_alarm_arn_of_a_region_no_stack_serves_fires if {
	count(policy.deny) == 1 with input as two_regions("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-us-west-2-error-rate")
}

test_a_written_out_arn_of_an_alarm_no_stack_defines_fires if {
	count(policy.deny) == 1 with input as two_regions("arn:aws:cloudwatch:us-west-2:123456789012:alarm:orders-us-west-2-anything")

	# The alarm exists, but in the other region: an ARN names a region's alarm, not a name anywhere.
	count(policy.deny) == 1 with input as two_regions("arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-us-west-2-error-rate")
}

test_an_account_read_from_a_stack_not_pinned_to_an_account_fires if {
	unpinned := builders.with_stacks({
		"us-east-1": {"provider": {"aws": [{"region": "us-east-1"}]}, "data": identity, "resource": builders.merge([error_alarm, template([arn_condition("arn:aws:cloudwatch:us-east-1:${data.aws_caller_identity.account.account_id}:alarm:orders-us-east-1-error-rate")])])},
	})
	count(policy.deny) == 1 with input as unpinned
}

test_source_none_fires if {
	findings := policy.deny with input as builders.with_resources(template([{"source": "none"}]))
	builders.locations(findings) == {template_location}
	builders.messages(findings) == {"aws_fis_experiment_template.chaos_experiment-outage has a stop_condition with source \"none\" and value not set, expected source \"aws:cloudwatch:alarm\" (never \"none\") with a reference to an alarm of its stack or the ARN, in its stack's account, of an alarm the stack of that region defines"}
}

test_none_beside_an_alarm_still_fires if {
	conditions := [alarm_condition("aws_cloudwatch_metric_alarm", "chaos_error-rate"), {"source": "none"}]
	findings := policy.deny with input as builders.with_resources(builders.merge([error_alarm, template(conditions)]))
	count(findings) == 1
}

test_no_stop_condition_fires if {
	findings := policy.deny with input as builders.with_resources(template([]))
	builders.messages(findings) == {"aws_fis_experiment_template.chaos_experiment-outage has no stop_condition, expected at least one on a CloudWatch alarm a stack of this repository defines"}
}

test_an_alarm_source_without_an_alarm_fires if {
	findings := policy.deny with input as builders.with_resources(template({"source": "aws:cloudwatch:alarm", "value": "orders-us-east-1-error-rate"}))
	builders.locations(findings) == {template_location}
}

test_an_alarm_of_another_stack_fires if {
	stacks := {
		"us-east-1": {"resource": template([alarm_condition("aws_cloudwatch_metric_alarm", "chaos_error-rate")])},
		"us-west-2": {"resource": error_alarm},
	}
	findings := policy.deny with input as builders.with_stacks(stacks)
	count(findings) == 1
}

test_a_reference_to_something_other_than_an_alarm_fires if {
	conditions := {"source": "aws:cloudwatch:alarm", "value": builders.ref("aws_sns_topic", "alarms_topic", "arn")}
	findings := policy.deny with input as builders.with_resources(template(conditions))
	count(findings) == 1
}
