/**
 * Turns a {@link ChatRequest} into a {@link PreparedRequest}: text parts normalised, images encoded to PNG and
 * hashed, parameters defaulted, and the whole thing given a content hash. Everything that identifies a request
 * (transcript, cache, replay) is derived here, in one place, so the three can never disagree.
 */
import { createHash } from "node:crypto";
import { isFrame } from "../image/frame.ts";
import { encodePng } from "../image/png.ts";
import { VlmError } from "./errors.ts";
import {
  type ChatParameters,
  type ChatRequest,
  type ContentPart,
  DEFAULT_MAX_TOKENS,
  type PreparedImage,
  type PreparedMessage,
  type PreparedPart,
  type PreparedRequest,
} from "./types.ts";

const ROLES = new Set(["system", "user", "assistant"]);

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export function prepareRequest(request: ChatRequest): PreparedRequest {
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw configError("a chat request needs at least one message");
  }
  const messages: PreparedMessage[] = request.messages.map((message, m) => {
    if (!ROLES.has(message.role)) {
      throw configError(`messages[${m}].role is "${message.role}"; use "system", "user" or "assistant"`);
    }
    if (!Array.isArray(message.content)) {
      throw configError(`messages[${m}].content must be an array of strings, text parts and image parts`);
    }
    return {
      role: message.role,
      content: message.content.map((part, p) => preparePart(part, `messages[${m}].content[${p}]`)),
    };
  });
  const parameters = prepareParameters(request);
  return { messages, parameters, requestHash: sha256Hex(canonicalJson(messages, parameters)) };
}

function prepareParameters(request: ChatRequest): ChatParameters {
  const maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens <= 0) {
    throw configError(`maxTokens must be a positive integer, got ${request.maxTokens}`);
  }
  const parameters: ChatParameters = { maxTokens };
  if (request.temperature !== undefined) {
    if (!Number.isFinite(request.temperature) || request.temperature < 0) {
      throw configError(`temperature must be a number >= 0, got ${request.temperature}`);
    }
    parameters.temperature = request.temperature;
  }
  if (request.seed !== undefined) {
    if (!Number.isInteger(request.seed)) throw configError(`seed must be an integer, got ${request.seed}`);
    parameters.seed = request.seed;
  }
  return parameters;
}

function preparePart(part: ContentPart, where: string): PreparedPart {
  if (typeof part === "string") return { type: "text", text: part };
  if (part?.type === "text" && typeof part.text === "string") return { type: "text", text: part.text };
  if (part?.type === "image") return prepareImage(part.image, where);
  throw configError(`${where} is neither a string, { type: "text", text } nor { type: "image", image }`);
}

function prepareImage(image: unknown, where: string): PreparedImage {
  let png: Uint8Array;
  if (isFrame(image)) {
    png = encodePng(image);
  } else if (
    typeof image === "object" &&
    image !== null &&
    (image as { png?: unknown }).png instanceof Uint8Array
  ) {
    png = (image as { png: Uint8Array }).png;
  } else {
    throw configError(`${where}.image must be a Frame ({ width, height, data }) or { png: Uint8Array }`);
  }
  const { width, height } = pngSize(png, where);
  return { type: "image", png, sha256: sha256Hex(png), width, height };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Reads width and height from the IHDR chunk, which the PNG format requires to come first. */
export function pngSize(png: Uint8Array, where = "image"): { width: number; height: number } {
  const isPng = png.length >= 24 && PNG_SIGNATURE.every((b, i) => png[i] === b);
  const ihdr = isPng && String.fromCharCode(png[12], png[13], png[14], png[15]) === "IHDR";
  if (!ihdr) {
    throw configError(
      `${where} is not PNG data; pass a Frame, or encode the image with encodePng (src/image/png.ts)`,
    );
  }
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * The content identity of a request: roles, text verbatim, images by hash, parameters. JSON with a fixed key
 * order, so the hash is stable across runs and machines.
 */
function canonicalJson(messages: PreparedMessage[], parameters: ChatParameters): string {
  return JSON.stringify({
    parameters: {
      maxTokens: parameters.maxTokens,
      seed: parameters.seed ?? null,
      temperature: parameters.temperature ?? null,
    },
    messages: messages.map((m) => ({
      role: m.role,
      content: m.content.map((p) =>
        p.type === "text" ? { type: "text", text: p.text } : { type: "image", sha256: p.sha256 },
      ),
    })),
  });
}

/** Base64 of the PNG bytes, as every provider's wire format wants them. */
export function pngBase64(image: PreparedImage): string {
  return Buffer.from(image.png.buffer, image.png.byteOffset, image.png.byteLength).toString("base64");
}

/** Joins the text parts of a message, for places that take text only (system prompts, assistant turns). */
export function textOnly(message: PreparedMessage, where: string): string {
  if (message.content.some((p) => p.type === "image")) {
    throw configError(`${where}: ${message.role} messages may hold text only; put images in a user message`);
  }
  return message.content.map((p) => (p as { text: string }).text).join("\n");
}

function configError(message: string): VlmError {
  return new VlmError({ kind: "config", message });
}
