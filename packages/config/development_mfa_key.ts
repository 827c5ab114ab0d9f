/**
 * The keyring auth encrypts TOTP secrets with when `MFA_ENCRYPTION_KEY` is unset outside
 * production: published here, so production refuses it (and refuses the variable unset).
 */
export const DEVELOPMENT_MFA_ENCRYPTION_KEY = "dev:ZGV2ZWxvcG1lbnQtb25seS1tZmEta2V5LWRvLW5vdCE=";
