// A third-party, certified OpenID Connect provider (panva/oidc-provider) for
// the test suite. Started on loopback by tests/support/oidc_provider.py.
// Accounts: the login name typed at the dev login form is the account id.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;

// Fictional people; the cpr claim plays the role of the national broker's CPR attribute.
const ACCOUNTS = {
  "demo-mette": { cpr: "1403881234", given_name: "Mette", family_name: "Nielsen" },
  "demo-peter": { cpr: "0911843456", given_name: "Peter", family_name: "Sørensen" },
  "demo-jonas": { cpr: "2207952345", given_name: "Jonas", family_name: "Holm" },
  "demo-sara": { cpr: "0502014567", given_name: "Sara", family_name: "Ahmed" },
};

const configuration = {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [process.env.REDIRECT_URI],
      post_logout_redirect_uris: [process.env.POST_LOGOUT_REDIRECT_URI],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  claims: {
    openid: ["sub", "cpr"],
    profile: ["name", "given_name", "family_name"],
  },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          cpr: account.cpr,
          given_name: account.given_name,
          family_name: account.family_name,
          name: `${account.given_name} ${account.family_name}`,
        };
      },
    };
  },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: ["test-only-cookie-signing-key"] },
};

const provider = new Provider(issuer, configuration);
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => {
  console.log(`READY ${issuer}`);
});
