// Security headers on every answer (helmet), before the body parser so refusals carry them
// too. The one page the service serves is /docs: its HTML loads the Swagger UI bundle,
// its stylesheet and /docs/init.js from this origin and fetches /openapi.json, so scripts,
// styles and connections are allowed from 'self' only (Swagger UI sets style attributes,
// hence 'unsafe-inline' for styles; its icons are data: images). Nothing may frame the
// service. API answers may hold personal data, so they are not to be stored by caches.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    imgSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
  },
};

const noStore: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  // The docs page and its assets may be cached; everything else is API data.
  if (req.path !== '/docs' && !req.path.startsWith('/docs/')) res.setHeader('Cache-Control', 'no-store');
  next();
};

export function securityHeaders(): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
      // Not framed by anyone (also said by frame-ancestors 'none').
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    }),
    noStore,
  ];
}
