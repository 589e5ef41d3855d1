package multiregion.policies.infrastructure.no_public_buckets_test

import data.multiregion.policies.infrastructure.no_public_buckets as policy
import data.multiregion.test.terraform as builders

test_no_terraform_passes if {
	count(policy.deny) == 0 with input as builders.with_stacks({})
}

test_blocked_bucket_with_private_acl_passes if {
	resources := object.union(
		builders.compliant_bucket("documents"),
		builders.resource("aws_s3_bucket_acl", "documents", {"bucket": builders.ref("aws_s3_bucket", "documents", "id"), "acl": "private"}),
	)
	count(policy.deny) == 0 with input as builders.with_resources(resources)
}

test_bucket_without_public_access_block_fires_on_the_bucket if {
	resources := json.remove(builders.compliant_bucket("documents"), ["aws_s3_bucket_public_access_block"])
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.location("aws_s3_bucket", "documents")}
	builders.messages(findings) == {"aws_s3_bucket.documents has no aws_s3_bucket_public_access_block naming it in its bucket attribute, expected one with block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets all true"}
}

test_public_access_block_of_another_bucket_does_not_count if {
	resources := object.union(builders.compliant_bucket("documents"), builders.resource("aws_s3_bucket", "exports", {"bucket": "orders-exports"}))
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.location("aws_s3_bucket", "exports")}
}

test_each_missing_or_false_setting_fires_on_that_setting if {
	block := {"bucket": builders.ref("aws_s3_bucket", "documents", "id"), "block_public_acls": true, "block_public_policy": false, "ignore_public_acls": "true"}
	resources := object.union(
		json.remove(builders.compliant_bucket("documents"), ["aws_s3_bucket_public_access_block"]),
		builders.resource("aws_s3_bucket_public_access_block", "documents", block),
	)
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {
		builders.attribute_location("aws_s3_bucket_public_access_block", "documents", "block_public_policy"),
		builders.attribute_location("aws_s3_bucket_public_access_block", "documents", "restrict_public_buckets"),
	}
	builders.messages(findings) == {
		"aws_s3_bucket_public_access_block.documents.block_public_policy is false (public access block of aws_s3_bucket.documents), expected true",
		"aws_s3_bucket_public_access_block.documents.restrict_public_buckets is not set (public access block of aws_s3_bucket.documents), expected true",
	}
}

test_public_read_acl_fires if {
	resources := object.union(
		builders.compliant_bucket("documents"),
		builders.resource("aws_s3_bucket_acl", "documents", {"bucket": builders.ref("aws_s3_bucket", "documents", "id"), "acl": "public-read"}),
	)
	findings := policy.deny with input as builders.with_resources(resources)
	builders.locations(findings) == {builders.attribute_location("aws_s3_bucket_acl", "documents", "acl")}
	builders.messages(findings) == {"aws_s3_bucket_acl.documents.acl is \"public-read\", expected \"private\" (or no ACL)"}
}

test_public_read_write_acl_without_any_bucket_fires if {
	findings := policy.deny with input as builders.with_resources(builders.resource("aws_s3_bucket_acl", "uploads", {"bucket": "orders-uploads", "acl": "public-read-write"}))
	builders.locations(findings) == {builders.attribute_location("aws_s3_bucket_acl", "uploads", "acl")}
}

test_grant_to_all_users_fires if {
	policy_block := {"owner": {"id": "owner"}, "grant": [
		{"grantee": {"type": "CanonicalUser", "id": "owner"}, "permission": "FULL_CONTROL"},
		{"grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}, "permission": "READ"},
	]}
	resources := builders.resource("aws_s3_bucket_acl", "documents", {"bucket": "orders-documents", "access_control_policy": [policy_block]})
	findings := policy.deny with input as builders.with_resources(resources)
	builders.messages(findings) == {"aws_s3_bucket_acl.documents.access_control_policy grants \"READ\" to http://acs.amazonaws.com/groups/global/AllUsers, expected grants only to named accounts"}
	builders.locations(findings) == {builders.attribute_location("aws_s3_bucket_acl", "documents", "access_control_policy")}
}
