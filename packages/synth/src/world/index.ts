export { hsvToRgb, type Rgb } from './colour.js';
export { DEFAULT_PARAMS, PALETTES, type Palette, resolveParams, type SynthParams } from './params.js';
export {
  type Background,
  type ObjectPose,
  objectPose,
  type Scene,
  type SceneObject,
  sampleScene,
  withObjects,
} from './scene.js';
export { insideShape, SHAPES, type Shape, type ShapeKind, sampleShape } from './shape.js';
export { TEXTURES, type Texture, type TextureKind, textureFactor, valueNoise } from './texture.js';
