# METADATA
# title: Buckets are not public
# description: Order documents replicate between the regions, so a bucket opened to the public in one region exposes every region's data. An S3 public access block with all four settings on stops a later ACL or bucket policy from opening it by mistake, and public canned ACLs or grants to everyone are never how this application shares objects.
# custom:
#   severity: critical
#   remediation: Give the bucket an aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true, and use a private ACL (or none, with object ownership BucketOwnerEnforced) in its construct under modules/terraform; re-synthesise and commit generated/.
package multiregion.policies.infrastructure.no_public_buckets

import data.multiregion.lib.terraform as tf

block_settings := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

deny contains {
	"message": sprintf("%s has no aws_s3_bucket_public_access_block naming it in its bucket attribute, expected one with %s all true", [bucket.address, concat(", ", block_settings)]),
	"location": tf.location(bucket),
} if {
	some bucket in tf.resources("aws_s3_bucket")
	count(tf.bucket_attachments(bucket, "aws_s3_bucket_public_access_block")) == 0
}

# Each setting defaults to false, so an omitted one is as open as one set to false.
deny contains {
	"message": sprintf("%s.%s is %s (public access block of %s), expected true", [block.address, setting, tf.attribute_text(block.config, setting), bucket.address]),
	"location": tf.attribute_location(block, setting),
} if {
	some bucket in tf.resources("aws_s3_bucket")
	some block in tf.bucket_attachments(bucket, "aws_s3_bucket_public_access_block")
	some setting in block_settings
	not tf.is_true(object.get(block.config, setting, null))
}

# authenticated-read is public too: it grants every AWS account, not only this one.
public_acls := {"public-read", "public-read-write", "authenticated-read"}

public_groups := {"http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}

deny contains {
	"message": sprintf("%s.acl is %s, expected \"private\" (or no ACL)", [acl.address, json.marshal(acl.config.acl)]),
	"location": tf.attribute_location(acl, "acl"),
} if {
	some acl in tf.resources("aws_s3_bucket_acl")
	lower(acl.config.acl) in public_acls
}

deny contains {
	"message": sprintf("%s.access_control_policy grants %s to %s, expected grants only to named accounts", [acl.address, permission, group]),
	"location": tf.attribute_location(acl, "access_control_policy"),
} if {
	some acl in tf.resources("aws_s3_bucket_acl")
	some grant in tf.values_at(acl.config, ["access_control_policy", "grant"])
	some group in tf.values_at(grant, ["grantee", "uri"])
	group in public_groups
	permission := tf.describe_values(tf.values_at(grant, ["permission"]))
}
