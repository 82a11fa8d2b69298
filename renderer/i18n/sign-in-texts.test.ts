import { describe, expect, it } from 'vitest';
import { sessionEndings, signInErrorReasons } from '../../shared/domain/identity';
import { idpKinds } from '../../shared/provider/idp-kinds';
import { policyWarningCodes } from '../../shared/provider/policy-warnings';
import { catalogs } from './catalogs';

describe('sign-in texts', () => {
  it('every refusal, ending, kind of issuer and policy warning has its words in German and English', () => {
    for (const catalog of [catalogs.de, catalogs.en]) {
      for (const reason of signInErrorReasons) expect(catalog.signIn.errors).toHaveProperty([reason]);
      for (const ending of sessionEndings) expect(catalog.signIn.ended).toHaveProperty([ending]);
      for (const kind of idpKinds) expect(catalog.policyScreen.kinds).toHaveProperty([kind]);
      for (const code of policyWarningCodes) expect(catalog.policyScreen.warnings).toHaveProperty([code]);
    }
  });
});
