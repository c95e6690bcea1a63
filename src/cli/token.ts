// `npm run token -- --role therapist --unit SE2321000131-E001 --sub SE2321000131-T001 --name "Anna Andersson"`
// Mints a local HS256 token with AUTH_JWT_SECRET (or the local development secret).
import { parseArgs } from 'node:util';
import { loadConfig } from '../app/config';
import { mintToken } from '../app/auth/token-verifier';
import { Claims } from '../app/auth/actor';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'therapist' },
    unit: { type: 'string' },
    sub: { type: 'string' },
    name: { type: 'string' },
    episode: { type: 'string' },
    expires: { type: 'string', default: '12h' },
  },
});

const config = loadConfig();
if (!config.jwtSecret) {
  console.error('No AUTH_JWT_SECRET: tokens for a JWKS setup come from your identity provider.');
  process.exit(1);
}
const role = values.role!;
// Auditor, reporting and integration tokens name no unit unless asked (integration: all units' events).
const unit = values.unit ?? (role === 'auditor' || role === 'reporting' || role === 'integration' ? undefined : 'SE2321000131-E001');
const claims = {
  sub: values.sub ?? `SE2321000131-${role.toUpperCase().slice(0, 3)}1`,
  role,
  ...(unit ? { unit } : {}),
  ...(values.name ? { name: values.name } : {}),
  ...(values.episode ? { episode: values.episode } : {}),
};
const checked = Claims.safeParse(claims);
if (!checked.success) {
  console.error(`Invalid claims: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(1);
}
process.stdout.write(`${mintToken(config.jwtSecret, claims, values.expires as never)}\n`);
