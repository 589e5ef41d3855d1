# Input builders shared by the policy tests: a good two-region example and small edits of it.
package multiregion.test.fixtures

now := "2026-11-20T12:00:00.000Z"

region(id, role, weight) := {
	"id": id,
	"awsRegion": id,
	"role": role,
	"network": {"vpcCidr": "10.10.0.0/16", "availabilityZones": 3, "subnets": {"public": [], "private": [], "database": []}},
	"eks": {"version": "1.31", "nodeGroups": []},
	"database": {"instanceClass": "db.r6g.large", "instances": 2, "backupRetentionDays": 14},
	"cache": {"nodeType": "cache.r6g.large", "shards": 2, "replicasPerShard": 1},
	"kafka": {"brokerInstanceType": "kafka.m5.large", "brokersPerAz": 1, "storageGiB": 500},
	"dns": {"zone": "example.com", "regionalRecord": sprintf("api-%s", [id]), "ttlSeconds": 60},
	"healthCheck": {"path": "/healthz", "intervalSeconds": 10, "failureThreshold": 3, "checkerRegions": ["us-east-1", "us-west-2", "eu-west-1"]},
	"traffic": {"weight": weight, "routing": "weighted"},
	"readOnly": false,
	"readPreference": "local",
	"residency": {"zone": "us", "tags": {}},
}

model := {
	"global": {
		"name": "orders",
		"slo": {"availabilityPercent": 99.95, "crossRegionP95LatencyMs": 400, "replicationLagSeconds": 30, "errorRatePercent": 1, "rtoMinutes": 15, "rpoMinutes": 5},
		"dns": {"zone": "example.com", "record": "api"},
		"changeFreezes": [{"name": "peak", "start": "2026-11-26T00:00:00.000Z", "end": "2026-12-02T00:00:00.000Z", "reason": "peak season"}],
		"declarations": [],
		"changeControl": {"maxWeightShiftPoints": 25},
		"resilience": {"approvalSeconds": 300, "databasePromotionSeconds": 120, "trafficShiftSeconds": 60, "lagAlertForSeconds": 60},
		"owners": [{"path": "*", "owners": ["@example-org/platform"]}],
		"terraformState": {"bucket": "example-org-orders-tfstate", "region": "us-east-1", "keyPrefix": "multi-region/orders"},
	},
	"regions": [region("us-east-1", "primary", 50), region("us-west-2", "secondary", 50)],
	"apps": [{"name": "orders-api", "owner": "@example-org/orders-team", "dataSets": ["orders-db", "order-documents"]}],
	"replication": {"dataSets": [
		{"name": "orders-db", "store": "aurora", "mode": "active-passive", "rpoSeconds": 120, "lagAlertSeconds": 30, "residency": "us"},
		{"name": "order-documents", "store": "s3", "mode": "active-active", "conflictResolution": {"strategy": "last-writer-wins"}, "rpoSeconds": 300, "lagAlertSeconds": 120, "residency": "us"},
	]},
}

sources := {
	"global": "regions/global.yaml",
	"replicationRules": "regions/replication-rules.yaml",
	"regions": {"us-east-1": "regions/us-east-1.ts", "us-west-2": "regions/us-west-2.ts"},
	"apps": {"orders-api": "apps/orders-api.ts"},
}

good := {
	"now": now,
	"model": model,
	"sources": sources,
	"base": null,
	"health": {},
	"terraform": {},
	"manifests": {},
	"codeowners": {"file": "CODEOWNERS", "rules": [{"pattern": "*", "owners": ["@example-org/platform"]}]},
	"repository": {"paths": ["regions/global.yaml"]},
	"waivers": [],
	"change": null,
}

# The good input with one JSON Patch applied to the model, e.g.
#   with_model([{"op": "replace", "path": "/regions/1/traffic/weight", "value": 60}])
with_model(patch) := object.union(good, {"model": json.patch(model, patch)})

# The good input judged as a change from `base_patch`-edited model to `head_patch`-edited model.
changed(base_patch, head_patch) := object.union(with_model(head_patch), {"base": {"model": json.patch(model, base_patch), "sources": sources}})

# Sets the weights of us-east-1 and us-west-2.
weights(east, west) := [
	{"op": "replace", "path": "/regions/0/traffic/weight", "value": east},
	{"op": "replace", "path": "/regions/1/traffic/weight", "value": west},
]
