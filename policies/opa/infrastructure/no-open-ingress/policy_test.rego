package multiregion.policies.infrastructure.no_open_ingress_test

import data.multiregion.policies.infrastructure.no_open_ingress as policy
import data.multiregion.test.terraform as builders

https_from_anywhere := {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]}

test_no_terraform_passes if {
	count(policy.deny) == 0 with input as builders.with_stacks({})
}

test_default_security_group_without_rules_passes if {
	resources := builders.resource("aws_default_security_group", "default", {"vpc_id": builders.ref("aws_vpc", "vpc", "id"), "tags": {"Name": "default-deny"}})
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_https_from_anywhere_and_private_ranges_pass if {
	resources := builders.merge([
		builders.resource("aws_security_group", "lb", {"ingress": [https_from_anywhere, {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": ["10.10.0.0/16"]}]}),
		builders.resource("aws_security_group_rule", "lb", {"type": "ingress", "protocol": "6", "from_port": "443", "to_port": 443, "cidr_blocks": ["0.0.0.0/0"], "security_group_id": "sg"}),
		builders.resource("aws_security_group_rule", "egress", {"type": "egress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"], "security_group_id": "sg"}),
		builders.resource("aws_vpc_security_group_ingress_rule", "lb", {"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv6": "::/0", "security_group_id": "sg"}),
		builders.resource("aws_vpc_security_group_ingress_rule", "internal", {"ip_protocol": "-1", "cidr_ipv4": "10.10.0.0/16", "security_group_id": "sg"}),
	])
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_ssh_from_anywhere_in_an_ingress_block_fires if {
	resources := builders.resource("aws_security_group", "bastion", {"ingress": [https_from_anywhere, {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_security_group", "bastion", "ingress")}
	builders.messages(findings) == {"aws_security_group.bastion.ingress admits 0.0.0.0/0 on protocol \"tcp\" from_port 22 to_port 22, expected only TCP 443 (from_port = to_port = 443) open to the internet"}
}

test_single_ingress_block_object_on_default_group_fires if {
	resources := builders.resource("aws_default_security_group", "default", {"ingress": {"protocol": "-1", "from_port": 0, "to_port": 0, "ipv6_cidr_blocks": ["::/0"]}})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.messages(findings) == {"aws_default_security_group.default.ingress admits ::/0 on every protocol and port, expected only TCP 443 (from_port = to_port = 443) open to the internet"}
}

test_port_range_including_443_fires if {
	resources := builders.resource("aws_security_group_rule", "web", {"type": "ingress", "protocol": "tcp", "from_port": 80, "to_port": 443, "cidr_blocks": ["10.0.0.0/8", "0.0.0.0/0"], "security_group_id": "sg"})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_security_group_rule", "web", "cidr_blocks")}
	builders.messages(findings) == {"aws_security_group_rule.web.cidr_blocks admits 0.0.0.0/0 on protocol \"tcp\" from_port 80 to_port 443, expected only TCP 443 (from_port = to_port = 443) open to the internet"}
}

test_udp_443_fires if {
	resources := builders.resource("aws_security_group_rule", "quic", {"type": "ingress", "protocol": "udp", "from_port": 443, "to_port": 443, "ipv6_cidr_blocks": ["::/0"], "security_group_id": "sg"})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_security_group_rule", "quic", "ipv6_cidr_blocks")}
}

test_vpc_ingress_rule_for_all_traffic_fires if {
	resources := builders.resource("aws_vpc_security_group_ingress_rule", "all", {"ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0", "security_group_id": "sg"})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_vpc_security_group_ingress_rule", "all", "cidr_ipv4")}
	builders.messages(findings) == {"aws_vpc_security_group_ingress_rule.all.cidr_ipv4 admits 0.0.0.0/0 on every protocol and port, expected only TCP 443 (from_port = to_port = 443) open to the internet"}
}

test_vpc_ingress_rule_for_postgres_fires if {
	resources := builders.resource("aws_vpc_security_group_ingress_rule", "db", {"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_ipv6": "::/0", "security_group_id": "sg"})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.messages(findings) == {"aws_vpc_security_group_ingress_rule.db.cidr_ipv6 admits ::/0 on protocol \"tcp\" from_port 5432 to_port 5432, expected only TCP 443 (from_port = to_port = 443) open to the internet"}
}

test_ingress_block_without_ports_is_still_judged if {
	resources := builders.resource("aws_security_group", "odd", {"ingress": [{"protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.messages(findings) == {"aws_security_group.odd.ingress admits 0.0.0.0/0 on protocol \"tcp\" from_port not set to_port not set, expected only TCP 443 (from_port = to_port = 443) open to the internet"}
}
