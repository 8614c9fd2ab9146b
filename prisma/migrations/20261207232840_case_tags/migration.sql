-- AlterTable
ALTER TABLE "cases" ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];
