/**
 * The one way vmconform turns an aliyun-ecs XML answer (`Format=XML`) into an object, so that the `*Xml` schemas of
 * `specs/aliyun-ecs.yaml` can validate it: the root element name is the single key, every text value is a string,
 * an empty element is `''`, and `InstanceResponse` / `InstanceStatus` are always arrays.
 */
import { XMLParser } from 'fast-xml-parser';
import type { X2jOptions } from 'fast-xml-parser';

/** The pinned fast-xml-parser options the aliyun `*Xml` schemas are written for. */
export const ALIYUN_XML_OPTIONS: X2jOptions = Object.freeze({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name: string) => name === 'InstanceResponse' || name === 'InstanceStatus',
});

/**
 * Parses an aliyun XML answer with {@link ALIYUN_XML_OPTIONS}. Never throws: text that is not XML gives `undefined`.
 * @example parseAliyunXml('<Error><Code>X</Code></Error>') // { Error: { Code: 'X' } }
 */
export function parseAliyunXml(text: string): unknown {
  try {
    return new XMLParser(ALIYUN_XML_OPTIONS).parse(text, true);
  } catch {
    return undefined;
  }
}
