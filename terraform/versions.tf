terraform {
  # 1.11: ephemeral resources and write-only arguments keep passwords and keys out of the state.
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

# Endpoints and credentials come from the environment (AWS_PROFILE, AWS_ENDPOINT_URL, ...) or, for
# LocalStack-compatible emulators, from tflocal's generated override: nothing is hard-coded here.
provider "aws" {
  region = var.aws_region

  default_tags {
    tags = merge({ Project = var.project, ManagedBy = "terraform" }, var.tags)
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

data "aws_availability_zones" "available" {
  state = "available"
}
