variable "aws_region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "project" {
  description = "Name prefix of every resource."
  type        = string
  default     = "patient-management"
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

# --- network -------------------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "CIDR block of the VPC; public and private /24 subnets are carved from it."
  type        = string
  default     = "10.20.0.0/16"
}

variable "az_count" {
  description = "Availability zones to spread subnets, NAT gateways and tasks over."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2
    error_message = "At least two availability zones are needed (the ALB, RDS and MSK require them)."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all private subnets (cheaper) instead of one per zone."
  type        = bool
  default     = false
}

variable "allowed_ingress_cidrs" {
  description = "Client networks allowed to reach the public load balancer."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

# The load balancer serves HTTPS only (HTTP answers 301 to HTTPS), so it needs a certificate:
# certificate_arn (an ACM certificate, as on AWS), or a PEM certificate and key that Terraform
# imports into ACM (what scripts/deploy.sh does on an emulator, with a self-signed one).
variable "certificate_arn" {
  description = "ACM certificate of the HTTPS listener; empty: import tls_certificate_pem and tls_private_key_pem."
  type        = string
  default     = ""

  validation {
    condition     = var.certificate_arn != "" || (var.tls_certificate_pem != null && var.tls_private_key_pem != null)
    error_message = "The HTTPS listener needs a certificate: set certificate_arn, or tls_certificate_pem and tls_private_key_pem."
  }
}

variable "tls_certificate_pem" {
  description = "PEM certificate to import into ACM when certificate_arn is empty (its chain in tls_certificate_chain_pem)."
  type        = string
  default     = null
}

variable "tls_certificate_chain_pem" {
  description = "PEM chain of tls_certificate_pem (intermediates), if any."
  type        = string
  default     = null
}

variable "tls_private_key_pem" {
  description = <<-EOT
    PEM private key of tls_certificate_pem. ACM's import keeps it in the Terraform state (sensitive,
    but stored): on AWS prefer certificate_arn of an ACM-issued certificate.
  EOT
  type        = string
  default     = null
  sensitive   = true
}

variable "alb_ssl_policy" {
  description = "TLS policy of the HTTPS listener (TLS 1.3 and 1.2 with forward secrecy only)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

# --- containers ----------------------------------------------------------------------------------

variable "image_registry" {
  description = "Registry and path prefix of the service images: <image_registry>/<service>:<image_tag>."
  type        = string
  default     = "patient-management"
}

variable "image_tag" {
  description = "Tag of every service image."
  type        = string
  default     = "latest"
}

variable "ecr_repository_prefix" {
  description = "ECR repositories the tasks may pull from: repository/<prefix>/* in this account and region."
  type        = string
  default     = "patient-management"
}

variable "service_desired_count" {
  description = "Tasks per service."
  type        = number
  default     = 1
}

variable "task_cpu" {
  description = "Fargate CPU units per task."
  type        = number
  default     = 256
}

variable "task_memory" {
  description = "Fargate memory (MiB) per task."
  type        = number
  default     = 512
}

variable "log_retention_days" {
  description = "Retention of the /ecs/<service> log groups."
  type        = number
  default     = 30
}

variable "service_discovery_namespace" {
  description = "Cloud Map private DNS namespace the services register in."
  type        = string
  default     = "patient-management.local"
}

variable "app_env" {
  description = "APP_ENV of every service."
  type        = string
  default     = "production"
}

variable "log_level" {
  description = "LOG_LEVEL of every service (debug, info, warn, error)."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be one of debug, info, warn, error."
  }
}

# --- tokens --------------------------------------------------------------------------------------

variable "jwt_private_key_pem" {
  description = <<-EOT
    Ed25519 private key (PKCS8 PEM) auth signs tokens with. Write-only: stored in Secrets Manager,
    never in the Terraform state; only read when jwt_key_version changes (first apply, rotation).
  EOT
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "jwt_key_version" {
  description = "Bump to write a new jwt_private_key_pem to Secrets Manager (key rotation)."
  type        = number
  default     = 1
}

variable "mfa_encryption_key" {
  description = <<-EOT
    Keyring auth encrypts TOTP secrets with: `kid:key,…`, each key 32 random bytes in base64
    (`k1:$(openssl rand -base64 32)`). To rotate, put a new key first and keep the old one after
    it. Write-only: stored in Secrets Manager, read only when mfa_encryption_key_version changes.
  EOT
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "mfa_encryption_key_version" {
  description = "Bump to write a new mfa_encryption_key to Secrets Manager (key rotation)."
  type        = number
  default     = 1
}

variable "jwt_issuer" {
  description = "JWT_ISSUER of the tokens."
  type        = string
  default     = "patient-management-auth"
}

variable "jwt_audience" {
  description = "JWT_AUDIENCE of the tokens."
  type        = string
  default     = "patient-management"
}

variable "jwt_ttl_seconds" {
  description = "Lifetime of an access token."
  type        = number
  default     = 900
}

# --- databases -----------------------------------------------------------------------------------

variable "db_engine_version" {
  description = "PostgreSQL major (or exact) version of every database."
  type        = string
  default     = "16"
}

variable "db_instance_class" {
  description = "RDS instance class of every database."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_allocated_storage" {
  description = "Storage (GiB) of every database."
  type        = number
  default     = 20
}

variable "db_multi_az" {
  description = "Standby replica in a second zone."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Automated backup retention."
  type        = number
  default     = 7
}

variable "db_deletion_protection" {
  description = "Refuse to delete the databases (turn on for production)."
  type        = bool
  default     = false
}

variable "db_skip_final_snapshot" {
  description = "Delete databases without a final snapshot (turn off for production)."
  type        = bool
  default     = true
}

variable "db_username" {
  description = "Master user of every database: owns the schema, runs the migrations (DATABASE_OWNER_URL)."
  type        = string
  default     = "pms"
}

variable "db_app_username_suffix" {
  description = "Each service's own login is <service><suffix> (DATABASE_URL), with only its rights."
  type        = string
  default     = "_app"
}

variable "db_password_version" {
  description = "Bump to generate new database passwords (the owner's written to RDS, both URL secrets in the same apply)."
  type        = number
  default     = 1
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can be restored; 0 deletes at once."
  type        = number
  default     = 7
}

# --- messaging -----------------------------------------------------------------------------------

variable "enable_msk" {
  description = "Create an MSK cluster for the events. Off: the services use kafka_brokers instead."
  type        = bool
  default     = true
}

variable "kafka_brokers" {
  description = "Bootstrap brokers (host:port,...) used when enable_msk is false; empty leaves events queued."
  type        = string
  default     = ""
}

variable "kafka_broker_cidrs" {
  description = "Networks of the kafka_brokers (when enable_msk is false) the services may reach; default the VPC."
  type        = list(string)
  default     = null
}

variable "kafka_port" {
  description = "Port of the kafka_brokers when enable_msk is false (MSK's SASL/SCRAM TLS listener is 9096)."
  type        = number
  default     = 9092
}

variable "kafka_ssl" {
  description = "KAFKA_SSL of the services when enable_msk is false (with MSK always true)."
  type        = bool
  default     = true
}

variable "kafka_password_version" {
  description = "Bump to generate new Kafka (MSK SASL/SCRAM) passwords for every service."
  type        = number
  default     = 1
}

variable "msk_kafka_version" {
  description = "Kafka version of the MSK cluster."
  type        = string
  default     = "3.6.0"
}

variable "msk_instance_type" {
  description = "Broker instance type of the MSK cluster."
  type        = string
  default     = "kafka.t3.small"
}

variable "msk_volume_size" {
  description = "EBS volume (GiB) per broker."
  type        = number
  default     = 20
}

# --- mail ----------------------------------------------------------------------------------------

variable "smtp_url_secret_arn" {
  description = "Existing Secrets Manager secret holding notification's SMTP_URL; empty: no SMTP_URL."
  type        = string
  default     = ""
}

variable "smtp_from" {
  description = "SMTP_FROM of notification."
  type        = string
  default     = "Patient Management <no-reply@patient-management.local>"
}

variable "security_alert_email" {
  description = "SECURITY_ALERT_EMAIL of notification: where break-glass alerts go; empty: recorded SKIPPED."
  type        = string
  default     = ""
}

variable "public_base_url" {
  description = <<-EOT
    The address clients reach the gateway at (https://clinic.example.org), without a trailing
    slash; its /fhir/R4 is FHIR_BASE_URL of the FHIR servers (links, fullUrls, Location, export
    files). Empty: the load balancer's own name over HTTPS.
  EOT
  type        = string
  default     = ""
  validation {
    condition     = var.public_base_url == "" || can(regex("^https?://[^/?#@]+(/[^?#]*[^/?#])?$", var.public_base_url))
    error_message = "public_base_url must be an http(s) URL without query, fragment, credentials or trailing slash."
  }
}

variable "smtp_port" {
  description = "Port notification may reach mail servers on."
  type        = number
  default     = 587
}

# --- audit trail ---------------------------------------------------------------------------------

variable "audit_checkpoint_key_pem" {
  description = <<-EOT
    Ed25519 private key (PKCS8 PEM) audit signs its chain checkpoints with (AUDIT_CHECKPOINT_KEY);
    not auth's. Write-only: stored in Secrets Manager, never in the Terraform state; only read when
    audit_checkpoint_key_version changes (first apply, rotation).
  EOT
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "audit_checkpoint_key_version" {
  description = <<-EOT
    Bump to write a new audit_checkpoint_key_pem (rotation); put the old key's public JWK (logged
    by audit at start) into audit_checkpoint_public_keys first, so older checkpoints still verify.
  EOT
  type        = number
  default     = 1
}

variable "audit_checkpoint_public_keys" {
  description = "AUDIT_CHECKPOINT_PUBLIC_KEYS of audit: earlier checkpoint keys' public JWKs (JSON)."
  type        = string
  default     = ""
}

variable "audit_retention_days" {
  description = "AUDIT_RETENTION_DAYS of audit: days its records are kept; 0 keeps them forever."
  type        = number
  default     = 0

  validation {
    condition     = var.audit_retention_days >= 0 && floor(var.audit_retention_days) == var.audit_retention_days
    error_message = "audit_retention_days must be a whole number of days, 0 (never delete) or more."
  }
}
