export { type Assignment, type OptimalAssignmentOptions, optimalAssignment } from './optimalAssignment.js';
