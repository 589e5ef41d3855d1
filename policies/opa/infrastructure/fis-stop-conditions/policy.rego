# METADATA
# title: Chaos experiments stop on the region's alarms
# description: An AWS FIS experiment injects real faults into a serving region. Without a stop condition, or with the stop condition source "none", it keeps cutting connectivity, pausing replication or terminating nodes after the region's replication lag or error rate has left what the drill accepts, turning a rehearsal into the outage it rehearses. Every experiment template must stop on CloudWatch alarms of its own stack (the replication-lag and error-rate alarms), so FIS halts the experiment and rolls the faults back the moment one fires.
# custom:
#   severity: critical
#   remediation: Give the template stop_condition blocks with source "aws:cloudwatch:alarm" and the ARN of an alarm of the same stack (FisExperiments in modules/terraform/fis-experiments.ts takes the region's lag and error-rate alarms); re-synthesise and commit generated/.
package multiregion.policies.infrastructure.fis_stop_conditions

import data.multiregion.lib.terraform as tf

alarm_types := {"aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"}

# A CloudWatch alarm ARN written out; FIS takes no other kind of stop condition.
literal_alarm(value) if regex.match(`^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:[0-9]{12}:alarm:.+$`, value)

# References cannot cross stacks, so an alarm of another stack's state cannot be named by reference.
alarm_of_stack(template, value) if {
	some type in alarm_types
	some alarm in tf.resources(type)
	alarm.stack == template.stack
	tf.references(value, type, alarm.name)
}

watches_alarm(_, condition) if {
	object.get(condition, "source", null) == "aws:cloudwatch:alarm"
	value := object.get(condition, "value", null)
	is_string(value)
	literal_alarm(value)
}

watches_alarm(template, condition) if {
	object.get(condition, "source", null) == "aws:cloudwatch:alarm"
	alarm_of_stack(template, object.get(condition, "value", null))
}

deny contains {
	"message": sprintf("%s has no stop_condition, expected at least one on a CloudWatch alarm of its stack", [template.address]),
	"location": tf.attribute_location(template, "stop_condition"),
} if {
	some template in tf.resources("aws_fis_experiment_template")
	count(tf.blocks(object.get(template.config, "stop_condition", null))) == 0
}

deny contains {
	"message": sprintf("%s has a stop_condition with source %s and value %s, expected source \"aws:cloudwatch:alarm\" with an alarm of its stack (never \"none\")", [template.address, tf.describe(object.get(condition, "source", null)), tf.describe(object.get(condition, "value", null))]),
	"location": tf.attribute_location(template, "stop_condition"),
} if {
	some template in tf.resources("aws_fis_experiment_template")
	some condition in tf.blocks(object.get(template.config, "stop_condition", null))
	not watches_alarm(template, condition)
}
