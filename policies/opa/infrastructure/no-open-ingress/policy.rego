# METADATA
# title: Only HTTPS is open to the internet
# description: Databases, caches, brokers and nodes sit behind load balancers; the one port the internet needs is TCP 443 on the load balancer. Any other ingress from 0.0.0.0/0 or ::/0 exposes a service that was never hardened for it, and in two regions it is exposed twice.
# custom:
#   severity: critical
#   remediation: Narrow the rule named in the finding to the security groups or VPC CIDRs that need it (or to TCP 443 from_port and to_port when it is the public HTTPS entry point) in its construct under modules/terraform; re-synthesise and commit generated/.
package multiregion.policies.infrastructure.no_open_ingress

import data.multiregion.lib.terraform as tf

open_cidrs := {"0.0.0.0/0", "::/0"}

# Every ingress rule in one shape: where it is written, the CIDR it admits, protocol and ports. A
# missing attribute is null rather than dropping the rule, so an incomplete rule is still judged.
ingress contains {"resource": group, "attribute": "ingress", "cidr": cidr, "protocol": object.get(rule, "protocol", null), "from": object.get(rule, "from_port", null), "to": object.get(rule, "to_port", null)} if {
	some type in {"aws_security_group", "aws_default_security_group"}
	some group in tf.resources(type)
	some rule in tf.blocks(object.get(group.config, "ingress", null))
	some attribute in ["cidr_blocks", "ipv6_cidr_blocks"]
	some cidr in tf.as_list(object.get(rule, attribute, null))
}

ingress contains {"resource": rule, "attribute": attribute, "cidr": cidr, "protocol": object.get(rule.config, "protocol", null), "from": object.get(rule.config, "from_port", null), "to": object.get(rule.config, "to_port", null)} if {
	some rule in tf.resources("aws_security_group_rule")
	lower(rule.config.type) == "ingress"
	some attribute in ["cidr_blocks", "ipv6_cidr_blocks"]
	some cidr in tf.as_list(object.get(rule.config, attribute, null))
}

ingress contains {
	"resource": rule,
	"attribute": attribute,
	"cidr": rule.config[attribute],
	"protocol": object.get(rule.config, "ip_protocol", null),
	"from": object.get(rule.config, "from_port", null),
	"to": object.get(rule.config, "to_port", null),
} if {
	some rule in tf.resources("aws_vpc_security_group_ingress_rule")
	some attribute in ["cidr_ipv4", "cidr_ipv6"]
	is_string(rule.config[attribute])
}

https_only(rule) if {
	lower(tf.string_of(rule.protocol)) in {"tcp", "6"}
	tf.number(rule.from) == 443
	tf.number(rule.to) == 443
}

admits(rule) := "every protocol and port" if {
	lower(tf.string_of(rule.protocol)) in {"-1", "all"}
} else := sprintf("protocol %s from_port %s to_port %s", [tf.describe(rule.protocol), tf.describe(rule.from), tf.describe(rule.to)])

deny contains {
	"message": sprintf("%s.%s admits %s on %s, expected only TCP 443 (from_port = to_port = 443) open to the internet", [rule.resource.address, rule.attribute, rule.cidr, admits(rule)]),
	"location": tf.attribute_location(rule.resource, rule.attribute),
} if {
	some rule in ingress
	rule.cidr in open_cidrs
	not https_only(rule)
}
