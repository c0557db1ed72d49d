import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";

/**
 * The JSON Schema validator handed to the SDK's `Server`. The SDK uses it for one thing only:
 * checking a client's answer to an elicitation request (`elicitInput`), which Boris never sends.
 * Its default would build an Ajv instance per session and load Ajv at start-up, for nothing.
 */
export const noElicitationValidator: jsonSchemaValidator = {
  getValidator() {
    throw new Error(
      "Boris never asks the client for input (elicitation), so it loads no JSON Schema validator; pass a jsonSchemaValidator to the Server to elicit",
    );
  },
};
