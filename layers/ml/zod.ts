/**
 * zod/mini with English messages, for every schema on the serving path: import it as a namespace
 * (`import * as z from '…/zod.ts'`) so esbuild keeps only the schemas used. Classic zod is ~450 KB minified
 * and cannot be tree-shaken, and even zod/mini imported as `{ z }` keeps all of it (a namespace object used
 * as a value). zod/mini registers no locale, unlike classic zod: without en() every issue would read
 * "Invalid input", and these messages are what our errors (and 4xx answers) show.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
