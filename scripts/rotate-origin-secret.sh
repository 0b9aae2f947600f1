#!/usr/bin/env bash
# Rotates the CDN's origin secret (X-Origin-Verify) of a deployed stack without a deploy (docs/deploy.md "Rotating the origin
# secret"): the new value goes in as AWSPENDING, which every API function accepts within OriginSecretTtlSeconds; then
# CloudFront's api origin sends it; then it is promoted to AWSCURRENT (the old value stops working one TTL later).
# The value is never printed. Needs the AWS CLI v2 and jq. Usage: scripts/rotate-origin-secret.sh <stack-name>
set -euo pipefail
stack=${1:?usage: $0 <stack-name>}

output() {
  aws cloudformation describe-stacks --stack-name "$stack" --output text \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue"
}
secret=$(output OriginSecretArn)
distribution=$(output CdnDistributionId)
ttl=$(aws cloudformation describe-stacks --stack-name "$stack" --output text \
  --query "Stacks[0].Parameters[?ParameterKey=='OriginSecretTtlSeconds'].ParameterValue")
[[ "$ttl" =~ ^[0-9]+$ ]] || ttl=300

current=$(aws secretsmanager describe-secret --secret-id "$secret" --output json \
  | jq -r '.VersionIdsToStages | to_entries[] | select(.value | index("AWSCURRENT")) | .key')
new=$(aws secretsmanager get-random-password --password-length 48 --exclude-punctuation \
  --query RandomPassword --output text)

# 1. AWSPENDING: accepted next to AWSCURRENT by every function within one TTL.
pending=$(aws secretsmanager put-secret-value --secret-id "$secret" --secret-string "$new" \
  --version-stages AWSPENDING --query VersionId --output text)
echo "New value stored as AWSPENDING ($pending); waiting $((ttl + 5)) s for every function to read it"
sleep $((ttl + 5))

# 2. CloudFront's api origin sends the new value (a private temp file: the config holds the secret).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"
aws cloudfront get-distribution-config --id "$distribution" --output json > "$work/get.json"
etag=$(jq -r .ETag "$work/get.json")
NEW="$new" jq '.DistributionConfig | .Origins.Items |= map(if .Id == "api" then
    .CustomHeaders.Items |= map(if .HeaderName == "X-Origin-Verify" then .HeaderValue = env.NEW else . end)
  else . end)' "$work/get.json" > "$work/config.json"
aws cloudfront update-distribution --id "$distribution" --if-match "$etag" \
  --distribution-config "file://$work/config.json" --query Distribution.Status --output text
echo "Waiting for the distribution to deploy"
aws cloudfront wait distribution-deployed --id "$distribution"

# 3. Promote: AWSCURRENT is the new value (the template's dynamic reference resolves to it at the next deploy).
aws secretsmanager update-secret-version-stage --secret-id "$secret" --version-stage AWSCURRENT \
  --move-to-version-id "$pending" --remove-from-version-id "$current"
aws secretsmanager update-secret-version-stage --secret-id "$secret" --version-stage AWSPENDING \
  --remove-from-version-id "$pending"
echo "Rotated: the previous value is refused within $ttl s"
