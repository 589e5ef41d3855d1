# METADATA
# title: Chaos experiments stop on alarms the stacks define
# description: An AWS FIS experiment injects real faults into a serving region. Without a stop condition, or with the stop condition source "none", it keeps cutting connectivity, pausing replication or terminating nodes after the harm has spread beyond what the drill accepts, turning a rehearsal into the outage it rehearses. Every experiment template must stop on CloudWatch alarms this repository defines, in its own account - an alarm of its own stack by reference, or by ARN an alarm the stack of that region defines (a surviving region's error rate and the lag into it are measured, and so alarmed, where they happen) - so FIS halts the experiment and rolls the faults back the moment one fires. An ARN naming an alarm of another account, of a region no stack serves, or an alarm no stack defines could never fire, and is refused.
# custom:
#   severity: critical
#   remediation: Give the template stop_condition blocks with source "aws:cloudwatch:alarm" and either a reference to an alarm of the same stack or the ARN (in the stack's account) of an alarm the stack of that region defines (FisExperiments in modules/terraform/fis-experiments.ts takes them from the region stacks); re-synthesise and commit generated/.
package multiregion.policies.infrastructure.fis_stop_conditions

import data.multiregion.lib.terraform as tf

alarm_types := {"aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"}

# The stack's default aws provider: the region it applies to and the accounts it may apply to.
provider(stack) := block if {
	some block in tf.blocks(object.get(object.get(input.terraform[stack].config, "provider", {}), "aws", null))
	not block.alias
}

stack_accounts(stack) := {account | some account in object.get(provider(stack), "allowed_account_ids", [])}

# References cannot cross stacks, so an alarm of another stack's state cannot be named by reference.
alarm_of_stack(template, value) if {
	some type in alarm_types
	some alarm in tf.resources(type)
	alarm.stack == template.stack
	tf.references(value, type, alarm.name)
}

# arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>, with the partition and account literal or read from the stack.
arn_parts(value) := {"partition": parts[1], "region": parts[2], "account": parts[3], "name": parts[4]} if {
	is_string(value)
	[parts] := regex.find_all_string_submatch_n(`^arn:([^:]+):cloudwatch:([a-z0-9-]+):([^:]+):alarm:([A-Za-z0-9_.-]+)$`, value, 1)
}

partition_of_stack(_, partition) if regex.match(`^aws[a-z-]*$`, partition)

partition_of_stack(stack, partition) if {
	some source in tf.data_sources("aws_partition")
	source.stack == stack
	tf.references_data(partition, "aws_partition", source.name)
}

# The provider's allowed_account_ids pins the account its caller identity can be.
account_of_stack(stack, account) if account in stack_accounts(stack)

account_of_stack(stack, account) if {
	count(stack_accounts(stack)) > 0
	some source in tf.data_sources("aws_caller_identity")
	source.stack == stack
	tf.references_data(account, "aws_caller_identity", source.name)
}

# An alarm named `name` that the stack applying to `region` defines.
defined_alarm(region, name) if {
	some type in alarm_types
	some alarm in tf.resources(type)
	provider(alarm.stack).region == region
	alarm.config.alarm_name == name
}

alarm_by_arn(template, value) if {
	arn := arn_parts(value)
	partition_of_stack(template.stack, arn.partition)
	account_of_stack(template.stack, arn.account)
	defined_alarm(arn.region, arn.name)
}

watches_alarm(template, condition) if {
	object.get(condition, "source", null) == "aws:cloudwatch:alarm"
	alarm_of_stack(template, object.get(condition, "value", null))
}

watches_alarm(template, condition) if {
	object.get(condition, "source", null) == "aws:cloudwatch:alarm"
	alarm_by_arn(template, object.get(condition, "value", null))
}

deny contains {
	"message": sprintf("%s has no stop_condition, expected at least one on a CloudWatch alarm a stack of this repository defines", [template.address]),
	"location": tf.attribute_location(template, "stop_condition"),
} if {
	some template in tf.resources("aws_fis_experiment_template")
	count(tf.blocks(object.get(template.config, "stop_condition", null))) == 0
}

deny contains {
	"message": sprintf("%s has a stop_condition with source %s and value %s, expected source \"aws:cloudwatch:alarm\" (never \"none\") with a reference to an alarm of its stack or the ARN, in its stack's account, of an alarm the stack of that region defines", [template.address, tf.describe(object.get(condition, "source", null)), tf.describe(object.get(condition, "value", null))]),
	"location": tf.attribute_location(template, "stop_condition"),
} if {
	some template in tf.resources("aws_fis_experiment_template")
	some condition in tf.blocks(object.get(template.config, "stop_condition", null))
	not watches_alarm(template, condition)
}
