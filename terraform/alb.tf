resource "aws_lb" "this" {
  name                       = local.name
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.this["alb"].id]
  subnets                    = aws_subnet.public[*].id
  drop_invalid_header_fields = true
  # Below the gateway's IDLE_TIMEOUT_MS (60 s): the balancer closes an idle connection before the
  # gateway does, so it never reuses one the gateway is closing (a 502).
  idle_timeout = 50
}

resource "aws_lb_target_group" "gateway" {
  name                 = "${local.name}-gw"
  port                 = local.services.gateway.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = aws_vpc.this.id
  deregistration_delay = 30

  health_check {
    path                = "/health"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

# HTTPS only: port 80 answers every request with a permanent redirect to the same URL on HTTPS.
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

# A certificate the operator brings (AWS: certificate_arn, usually ACM-issued) or one imported from
# PEM (an emulator, with scripts/deploy.sh's self-signed certificate; also any externally issued
# certificate on AWS). The same code applies to both.
resource "aws_acm_certificate" "imported" {
  count             = var.certificate_arn == "" ? 1 : 0
  certificate_body  = var.tls_certificate_pem
  certificate_chain = var.tls_certificate_chain_pem
  private_key       = var.tls_private_key_pem

  tags = { Name = local.name }

  lifecycle {
    create_before_destroy = true # a new certificate is in place before the listener lets go of the old
  }
}

locals {
  certificate_arn = var.certificate_arn != "" ? var.certificate_arn : aws_acm_certificate.imported[0].arn
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.alb_ssl_policy
  certificate_arn   = local.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gateway.arn
  }
}
