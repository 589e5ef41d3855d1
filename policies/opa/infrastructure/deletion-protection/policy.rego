# METADATA
# title: Stateful resources resist deletion
# description: A plan that replaces or destroys a database, a global cluster, a table, a key or a bucket with objects in it loses data in a way the second region cannot undo, because replication carries the deletion across. Deletion protection makes such a plan fail until someone turns it off on purpose; a KMS key's deletion window leaves time to cancel a scheduled deletion before everything encrypted with it becomes unreadable.
# custom:
#   severity: high
#   remediation: Turn on the protection named in the finding in the resource's construct under modules/terraform (deletion_protection / deletion_protection_enabled true, deletion_window_in_days of at least 7, no force_destroy), re-synthesise, and commit generated/.
package multiregion.policies.infrastructure.deletion_protection

import data.multiregion.lib.terraform as tf

# Resource type → the boolean attribute that must be true.
protected_by := {
	"aws_rds_cluster": "deletion_protection",
	"aws_rds_global_cluster": "deletion_protection",
	"aws_db_instance": "deletion_protection",
	"aws_dynamodb_table": "deletion_protection_enabled",
}

deny contains {
	"message": sprintf("%s.%s is %s, expected true", [resource.address, attribute, tf.attribute_text(resource.config, attribute)]),
	"location": tf.attribute_location(resource, attribute),
} if {
	some type, attribute in protected_by
	some resource in tf.resources(type)
	not tf.is_true(object.get(resource.config, attribute, null))
}

minimum_deletion_window_days := 7

# Unset means the provider default of 30 days; an unresolved interpolation cannot be judged here.
deny contains {
	"message": sprintf("%s.deletion_window_in_days is %v, expected at least %v", [key.address, days, minimum_deletion_window_days]),
	"location": tf.attribute_location(key, "deletion_window_in_days"),
} if {
	some key in tf.resources("aws_kms_key")
	days := tf.number(object.get(key.config, "deletion_window_in_days", null))
	days < minimum_deletion_window_days
}

deny contains {
	"message": sprintf("%s.force_destroy is %s, expected false or not set (destroying the bucket would delete every object in it)", [bucket.address, json.marshal(bucket.config.force_destroy)]),
	"location": tf.attribute_location(bucket, "force_destroy"),
} if {
	some bucket in tf.resources("aws_s3_bucket")
	tf.is_true(object.get(bucket.config, "force_destroy", null))
}
